//! Exact amounts: tinybars and token units rendered as decimal strings, never through floating point.

/// Tinybars in one hbar.
pub const TINYBARS_PER_HBAR: i64 = 100_000_000;

/// Renders an integer amount of smallest units as an exact decimal with `decimals` places.
///
/// `format_units(1234567800, 8)` is `"12.34567800"`; `format_units(-5, 2)` is `"-0.05"`.
pub fn format_units(amount: i128, decimals: u32) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let digits = amount.unsigned_abs().to_string();
    if decimals == 0 {
        return format!("{sign}{digits}");
    }
    let width = decimals as usize + 1;
    let padded = format!("{digits:0>width$}");
    let (whole, frac) = padded.split_at(padded.len() - decimals as usize);
    format!("{sign}{whole}.{frac}")
}

/// Tinybars as an exact hbar string with eight decimals, e.g. `"12.34567800"`.
pub fn hbar(tinybars: i64) -> String {
    format_units(i128::from(tinybars), 8)
}

/// Drops a decimal's trailing zeros, and its point when nothing follows: `"12.50"` is `"12.5"`, `"3.00"` is `"3"`.
/// Integers (no point) are returned unchanged.
pub fn trim_zeros(decimal: &str) -> &str {
    if decimal.contains('.') {
        decimal.trim_end_matches('0').trim_end_matches('.')
    } else {
        decimal
    }
}

/// Tinybars as a short human figure for tables: trailing zeros trimmed, e.g. `"12.345678 ℏ"`.
pub fn hbar_short(tinybars: i64) -> String {
    format!("{} ℏ", trim_zeros(&hbar(tinybars)))
}

/// Token units trimmed for tables, e.g. `format_units_short(150, 2)` is `"1.5"`.
pub fn format_units_short(amount: i128, decimals: u32) -> String {
    trim_zeros(&format_units(amount, decimals)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hbar_is_exact() {
        assert_eq!(hbar(1_234_567_800), "12.34567800");
        assert_eq!(hbar(0), "0.00000000");
        assert_eq!(hbar(1), "0.00000001");
        assert_eq!(hbar(-150_000_000), "-1.50000000");
        assert_eq!(hbar(i64::MAX), "92233720368.54775807");
        assert_eq!(hbar(i64::MIN), "-92233720368.54775808");
    }

    #[test]
    fn token_units_respect_decimals() {
        assert_eq!(format_units(15, 1), "1.5");
        assert_eq!(format_units(15, 0), "15");
        assert_eq!(format_units(5, 3), "0.005");
        assert_eq!(format_units_short(1500, 3), "1.5");
        assert_eq!(format_units_short(1000, 3), "1");
        assert_eq!(hbar_short(1_000_000_000), "10 ℏ");
        assert_eq!(hbar_short(-1), "-0.00000001 ℏ");
        assert_eq!(format_units_short(1500, 0), "1500", "integers keep their zeros");
        assert_eq!(trim_zeros("100"), "100");
    }
}
