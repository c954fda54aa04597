//! CSV cells that a spreadsheet would run as a formula (OWASP "CSV Injection"): a cell
//! beginning with `=`, `+`, `-`, `@`, a tab or a carriage return. Exports write such cells
//! with a leading `'`, which spreadsheets show as text; imports strip it again, so an
//! export imports back unchanged (a phone `+306900000000` is written `'+306900000000`).
//! Both exports (users, audit) and both imports (the admin page, `sspr users import`) use
//! this one rule.

use std::borrow::Cow;
use std::io::Write;

const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
const PREFIX: char = '\'';

fn starts_a_formula(text: &str) -> bool {
    text.starts_with(FORMULA_STARTS)
}

/// What `defuse` writes: the prefix, then a formula start or another prefix.
fn is_defused(cell: &str) -> bool {
    cell.strip_prefix(PREFIX)
        .is_some_and(|rest| starts_a_formula(rest) || rest.starts_with(PREFIX))
}

/// The cell as an export writes it. A value that already looks defused (`'=x`) gets the
/// prefix too, so that `undefuse` gives it back exactly.
pub fn defuse(value: &str) -> Cow<'_, str> {
    if starts_a_formula(value) || is_defused(value) {
        Cow::Owned(format!("{PREFIX}{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// The value of a cell as an import reads it: one prefix fewer when `defuse` put it there.
pub fn undefuse(cell: &str) -> &str {
    if is_defused(cell) {
        &cell[PREFIX.len_utf8()..]
    } else {
        cell
    }
}

/// Writes one record, every cell defused (and quoted where CSV needs it).
pub fn write_record<'a, W: Write>(
    out: &mut csv::Writer<W>,
    cells: impl IntoIterator<Item = &'a str>,
) -> csv::Result<()> {
    for cell in cells {
        out.write_field(defuse(cell).as_bytes())?;
    }
    // An empty record ends the one the fields above started.
    out.write_record(None::<&[u8]>)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_get_the_prefix() {
        for cell in ["=1+1", "+306900000000", "-2", "@SUM(A1)", "\t=x", "\r=x"] {
            assert_eq!(defuse(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in ["", "ana", "Ana Smith", "1+1", " =x", "'quoted", "O'Brien"] {
            assert_eq!(defuse(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn undefuse_gives_back_exactly_what_defuse_was_given() {
        for value in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+306900000000",
            "'=already quoted",
            "''+two",
            "'",
            "'plain",
            "plain",
            "",
            "-",
        ] {
            assert_eq!(undefuse(&defuse(value)), value, "{value:?}");
        }
    }

    #[test]
    fn only_a_prefix_before_a_formula_start_is_stripped() {
        assert_eq!(undefuse("'+306900000000"), "+306900000000");
        assert_eq!(undefuse("'O'Brien"), "'O'Brien");
        assert_eq!(undefuse("+306900000000"), "+306900000000");
    }

    #[test]
    fn records_are_written_defused_and_quoted_where_needed() {
        let mut out = csv::Writer::from_writer(Vec::new());
        write_record(&mut out, ["ana", "=1+2", "-3, or so", "\"q\""]).unwrap();
        let text = String::from_utf8(out.into_inner().unwrap()).unwrap();
        assert_eq!(text, "ana,'=1+2,\"'-3, or so\",\"\"\"q\"\"\"\n");
    }
}
