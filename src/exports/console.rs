//! The exports the admin console needs beyond the decision itself: the what-if replay (one call, or a
//! `Replay` fed in chunks) and the pool's states over time. Same convention as every export: positional JSON
//! arguments in, JSON text out.

use super::{arg, arg_str, json, ExportError, Exported};
use crate::error::{Error, Problems};
use crate::replay::{Replay, RowSource};
use crate::screening::lookup::{read_rows, Row};
use serde_json::Value;

/// The optional options argument (`undefined` and `null` read as none).
fn options(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Null)
}

/// `replay(baseline, candidate, log, options?, rows?)`: the whole log replayed in one call; with `rows` (the
/// stored rows of the lists the documents do not carry, `decideRows`' shape), each call decided from rows.
pub fn replay(args: &[Value]) -> Exported {
    let rows = match args.get(4) {
        None | Some(Value::Null) => None,
        Some(v) => Some(read_rows(v)?),
    };
    json(crate::replay::replay(
        arg(args, 0, "baseline")?,
        arg(args, 1, "candidate")?,
        arg_str(args, 2, "log")?,
        options(args, 3),
        rows.as_deref(),
    ))
}

/// `new Replay(baseline, candidate, options?)`.
pub fn replay_new(args: &[Value]) -> Result<Replay, ExportError> {
    Ok(Replay::new(arg(args, 0, "baseline")?, arg(args, 1, "candidate")?, options(args, 2))?)
}

/// `replay.feed(chunk, fetchRows?)`: the progress so far; with a row source (the caller's storage), each
/// call decided from rows.
pub fn replay_feed(replay: &mut Replay, args: &[Value], source: Option<&mut dyn RowSource>) -> Exported {
    let chunk = arg_str(args, 0, "chunk")?;
    json(match source {
        None => replay.feed(chunk),
        Some(s) => replay.feed_rows(chunk, s),
    })
}

/// `replay.finish(fetchRows?)`: the report.
pub fn replay_finish(replay: Replay, source: Option<&mut dyn RowSource>) -> Exported {
    json(match source {
        None => replay.finish(),
        Some(s) => replay.finish_rows(s),
    })
}

/// Rows handed back by a row source (a JS `fetchRows`): checked as `decideRows` checks them; a bad one ends
/// the replay with the first problem, under `fetchRows`.
pub fn fetched_rows(v: &Value) -> Result<Vec<Row>, Error> {
    read_rows(v).map_err(|p| {
        let mut e = p.0.into_iter().next().expect("a problem");
        e.field = e.field.replacen("rows", "fetchRows", 1);
        e
    })
}

/// `poolStates(config, pool, sessions, instants)`: `[{at, in_use, reserved, cooling_off, free}]`.
pub fn pool_states(args: &[Value]) -> Exported {
    let config = crate::masking::MaskingConfig::from_value(arg(args, 0, "config")?)
        .map_err(|p| Problems(p.0.into_iter().map(|e| e.under("config")).collect()))?;
    let pool = crate::masking::read_pool(arg(args, 1, "pool")?)?;
    let sessions = crate::masking::read_sessions(arg(args, 2, "sessions")?, "sessions")?;
    let instants = arg(args, 3, "instants")?
        .as_array()
        .filter(|a| a.len() <= crate::masking::states::MAX_INSTANTS)
        .and_then(|a| a.iter().map(Value::as_i64).collect::<Option<Vec<i64>>>())
        .ok_or_else(|| {
            Error::new("instants", "invalid_type", "expected at most 10,000 whole epoch seconds")
        })?;
    json::<_, Error>(Ok(crate::masking::pool_states(&config, &pool, &sessions, &instants)))
}
