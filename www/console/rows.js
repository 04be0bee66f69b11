// Deciding a call in the page as the worker decides it when list entries are stored as rows (docs/blocklists.md):
// the core's lookup keys for the call (`Engine.lookupKeys`), the stored rows under them (`POST …/lists/rows`), the
// core's decision from those rows (`Engine.decideRows`). Nothing here decides: it only carries keys and rows.
import { apiRequest } from "./base.js";

/**
 * The entries a document carries itself (a list created in the draft, or a document read back with its entries),
 * as rows, by the core's `splitPolicy`; `replaced` are the lists whose stored rows these replace, as a PUT of the
 * document would replace them.
 */
export function ownRows(cg, doc) {
  const split = cg.splitPolicy(doc);
  return { rows: split.rows, replaced: new Set(split.replaced) };
}

/**
 * Decides `event` with `engine` from rows: the stored rows under the call's lookup keys, except for the lists
 * `own` replaces, whose rows come from the document itself (selected by list and key, as storage selects them).
 * Throws the event's problems (from `lookupKeys`) and the API's errors.
 */
export async function decideFromRows(conn, engine, event, own = null) {
  const keys = engine.lookupKeys(event);
  const wanted = new Set(keys.keys);
  const lists = own ? keys.lists.filter((l) => !own.replaced.has(l)) : keys.lists;
  let rows = [];
  if (lists.length && keys.keys.length) {
    rows = (await apiRequest(conn, "POST", "lists/rows", { body: { lists, keys: keys.keys } })).body.rows;
  }
  if (own) {
    const consulted = new Set(keys.lists);
    rows = rows.concat(own.rows.filter((r) => own.replaced.has(r.list) && consulted.has(r.list) && wanted.has(r.e164)));
  }
  return engine.decideRows(event, rows);
}
