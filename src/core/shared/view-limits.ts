/**
 * What one card may hold so that it renders on every platform: Discord's embed limits, which are the
 * tightest, and Slack's 50 blocks per message (title, description, each field and the footer are a
 * block each). Lengths are counted in UTF-16 code units, which is never less than Discord's count.
 */
import { truncate, type View, type ViewField } from './views.js';

export const TITLE_MAX = 256;
export const DESCRIPTION_MAX = 4096;
export const FIELDS_MAX = 25;
export const FIELD_NAME_MAX = 256;
export const FIELD_VALUE_MAX = 1024;
export const FOOTER_MAX = 2048;
/** Title, description, field names and values and footer together. */
export const TOTAL_MAX = 6000;
export const SLACK_BLOCKS_MAX = 50;

/** Blocks a Slack renderer makes of the view: title, description, one per field, footer. */
export function slackBlocks(view: View): number {
  return (
    1 +
    (view.description ? 1 : 0) +
    view.fields.length +
    (view.footer ? 1 : 0) +
    (view.buttons?.length ? 1 : 0)
  );
}

/** Characters Discord counts against the 6000 of an embed. */
export function viewLength(view: View): number {
  const fields = view.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  return view.title.length + (view.description?.length ?? 0) + (view.footer?.length ?? 0) + fields;
}

/** Platforms reject empty field names and values. */
const nonEmpty = (s: string) => (s.trim() === '' ? '—' : s);

function fitField(f: ViewField): ViewField {
  return {
    ...f,
    name: truncate(nonEmpty(f.name), FIELD_NAME_MAX),
    value: truncate(nonEmpty(f.value), FIELD_VALUE_MAX),
  };
}

/** A footer is a hint: when the total is over, it gives way first, down to this. */
const FOOTER_SOFT = 200;

/** Shortens the footer, then the last fields (dropping them), then the description, until the total fits. */
function fitTotal(view: View): View {
  let over = viewLength(view) - TOTAL_MAX;
  let footer = view.footer;
  if (footer && footer.length > FOOTER_SOFT) {
    const cut = Math.min(over, footer.length - FOOTER_SOFT);
    footer = truncate(footer, footer.length - cut);
    over -= cut;
  }
  const fields = [...view.fields];
  while (over > 0 && fields.length > 0) {
    const last = fields[fields.length - 1]!;
    if (last.value.length - over >= 20) {
      fields[fields.length - 1] = { ...last, value: truncate(last.value, last.value.length - over) };
      over = 0;
    } else {
      fields.pop();
      over -= last.name.length + last.value.length;
    }
  }
  let description = view.description;
  if (over > 0 && description) {
    const keep = description.length - over;
    over -= description.length - Math.max(0, keep);
    description = keep > 0 ? truncate(description, keep) : undefined;
  }
  const title = over > 0 ? truncate(view.title, Math.max(1, view.title.length - over)) : view.title;
  return { ...view, title, description, footer, fields };
}

/** A copy of `view` within every limit above; a view already within them comes back equal. */
export function fitView(view: View): View {
  const each: View = {
    ...view,
    title: truncate(nonEmpty(view.title), TITLE_MAX),
    description: view.description === undefined ? undefined : truncate(view.description, DESCRIPTION_MAX),
    footer: view.footer === undefined ? undefined : truncate(view.footer, FOOTER_MAX),
    fields: view.fields.slice(0, FIELDS_MAX).map(fitField),
  };
  return viewLength(each) <= TOTAL_MAX ? each : fitTotal(each);
}
