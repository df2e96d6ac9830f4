//! Numbers as reports write them: 118, 1.9万, 3千余, 二十余, 一百零五, 两, 百名, 20000余, 100%.

use serde::Serialize;

/// How exact a figure is: 余/多/以上/超过 make it a lower bound; 约/近/左右 an approximation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    Exact,
    AtLeast,
    Approx,
}

fn han_digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn han_unit(c: char) -> Option<u64> {
    Some(match c {
        '十' | '拾' => 10,
        '百' | '佰' => 100,
        '千' | '仟' => 1000,
        _ => return None,
    })
}

fn big_unit(c: char) -> Option<f64> {
    Some(match c {
        '万' => 1e4,
        '亿' => 1e8,
        _ => return None,
    })
}

fn numeral_slow(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c) || han_digit(c).is_some() || han_unit(c).is_some()
}

/// One bit per character of the Basic Multilingual Plane: the scanner asks this of every character.
static NUMERAL_TABLE: std::sync::LazyLock<Vec<u64>> = std::sync::LazyLock::new(|| {
    let mut table = vec![0u64; 0x10000 / 64];
    for code in 0..0x10000u32 {
        if let Some(c) = char::from_u32(code)
            && numeral_slow(c)
        {
            table[(code / 64) as usize] |= 1 << (code % 64);
        }
    }
    table
});

pub fn is_numeral_char(c: char) -> bool {
    let code = c as u32;
    code < 0x10000 && NUMERAL_TABLE[(code / 64) as usize] & (1 << (code % 64)) != 0
}

/// A number read from the start of `chars`: its value and how many characters it took.
/// Reads Arabic digits (ASCII or full-width, with a decimal point) and Chinese numerals, each
/// optionally scaled by 十/百/千/万/亿 after them.
pub fn parse_number(chars: &[char]) -> Option<(f64, usize)> {
    let first = *chars.first()?;
    if first.is_ascii_digit() || ('０'..='９').contains(&first) {
        parse_arabic(chars)
    } else if han_digit(first).is_some() || han_unit(first).is_some() {
        parse_han(chars)
    } else {
        None
    }
}

fn ascii(c: char) -> char {
    if ('０'..='９').contains(&c) { char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c) } else { c }
}

fn parse_arabic(chars: &[char]) -> Option<(f64, usize)> {
    let mut i = 0;
    let mut text = String::new();
    while i < chars.len() && (ascii(chars[i]).is_ascii_digit() || (chars[i] == ',' && !text.len().is_multiple_of(4))) {
        if chars[i] != ',' {
            text.push(ascii(chars[i]));
        }
        i += 1;
        if text.len() > 15 {
            return None;
        }
    }
    if i + 1 < chars.len() && matches!(chars[i], '.' | '．') && ascii(chars[i + 1]).is_ascii_digit() {
        text.push('.');
        i += 1;
        while i < chars.len() && ascii(chars[i]).is_ascii_digit() && text.len() < 24 {
            text.push(ascii(chars[i]));
            i += 1;
        }
    }
    let mut value: f64 = text.parse().ok()?;
    // 3千, 1.9万, 2.5亿: a scale after the digits.
    while i < chars.len() {
        if let Some(u) = han_unit(chars[i]).filter(|u| *u >= 100) {
            value *= u as f64;
        } else if let Some(b) = big_unit(chars[i]) {
            value *= b;
        } else {
            break;
        }
        i += 1;
    }
    Some((value, i))
}

fn parse_han(chars: &[char]) -> Option<(f64, usize)> {
    let mut total = 0f64;
    let mut section = 0u64;
    let mut digit: Option<u64> = None;
    let mut i = 0;
    let mut seen = false;
    while i < chars.len() {
        let c = chars[i];
        if let Some(d) = han_digit(c) {
            // 零 only holds a place (一百零五); two digits in a row (一二) are not one number.
            if d != 0 {
                if digit.is_some() {
                    break;
                }
                digit = Some(d);
            }
        } else if let Some(u) = han_unit(c) {
            // 十五 = 15: a leading 十 means one ten.
            let d = digit.unwrap_or(if section == 0 { 1 } else { 0 });
            if d == 0 && u != 10 {
                break;
            }
            section += d * u;
            digit = None;
        } else if let Some(b) = big_unit(c) {
            if !seen {
                return None;
            }
            total += ((section + digit.unwrap_or(0)) as f64) * b;
            section = 0;
            digit = None;
        } else {
            break;
        }
        seen = true;
        i += 1;
    }
    if !seen {
        return None;
    }
    Some((total + (section + digit.unwrap_or(0)) as f64, i))
}

/// Formats a whole number in Chinese numerals (for round-trip tests and for drafting).
pub fn to_chinese(mut n: u64) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    if n == 0 {
        return "零".into();
    }
    fn below_10000(n: u64, out: &mut String) {
        const UNITS: [(u64, char); 3] = [(1000, '千'), (100, '百'), (10, '十')];
        let mut zero = false;
        let mut started = false;
        let mut rest = n;
        for (value, unit) in UNITS {
            let d = rest / value;
            rest %= value;
            if d > 0 {
                if zero {
                    out.push('零');
                    zero = false;
                }
                // 十五, not 一十五, at the very start.
                if !(unit == '十' && d == 1 && !started && out.is_empty()) {
                    out.push(DIGITS[d as usize]);
                }
                out.push(unit);
                started = true;
            } else if started {
                zero = true;
            }
        }
        if rest > 0 {
            if zero {
                out.push('零');
            }
            out.push(DIGITS[rest as usize]);
        }
    }
    let mut out = String::new();
    let yi = n / 100_000_000;
    n %= 100_000_000;
    let wan = n / 10_000;
    let rest = n % 10_000;
    if yi > 0 {
        below_10000(yi, &mut out);
        out.push('亿');
    }
    if wan > 0 {
        if yi > 0 && wan < 1000 {
            out.push('零');
        }
        below_10000(wan, &mut out);
        out.push('万');
    }
    if rest > 0 {
        if (yi > 0 || wan > 0) && rest < 1000 {
            out.push('零');
        }
        below_10000(rest, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn num(s: &str) -> Option<(f64, usize)> {
        parse_number(&s.chars().collect::<Vec<_>>())
    }

    #[test]
    fn forms_seen_in_reports() {
        assert_eq!(num("118件次"), Some((118.0, 3)));
        assert_eq!(num("二十余次"), Some((20.0, 2)));
        assert_eq!(num("两名"), Some((2.0, 1)));
        assert_eq!(num("一百零五"), Some((105.0, 4)));
        assert_eq!(num("1.9万人次"), Some((19000.0, 4)));
        assert_eq!(num("3千余份"), Some((3000.0, 2)));
        assert_eq!(num("百名"), Some((100.0, 1)));
        assert_eq!(num("十五"), Some((15.0, 2)));
        assert_eq!(num("２０余"), Some((20.0, 2)));
        assert_eq!(num("104亿元"), Some((1.04e10, 4)));
        assert_eq!(num("三万五千"), Some((35000.0, 4)));
        assert_eq!(num("12,000份"), Some((12000.0, 6)));
        assert_eq!(num("年"), None);
    }

    #[test]
    fn the_table_agrees_with_the_definition() {
        for code in 0..0x10000u32 {
            if let Some(c) = char::from_u32(code) {
                assert_eq!(is_numeral_char(c), numeral_slow(c), "{c}");
            }
        }
    }

    #[test]
    fn formatter() {
        assert_eq!(to_chinese(105), "一百零五");
        assert_eq!(to_chinese(15), "十五");
        assert_eq!(to_chinese(20), "二十");
        assert_eq!(to_chinese(10010), "一万零一十");
        assert_eq!(to_chinese(100_000_001), "一亿零一");
    }

    proptest! {
        #[test]
        fn chinese_round_trip(n in 0u64..1_000_000_000_000) {
            let text = to_chinese(n);
            let chars: Vec<char> = text.chars().collect();
            prop_assert_eq!(parse_number(&chars), Some((n as f64, chars.len())), "{}", text);
        }

        #[test]
        fn arabic_round_trip(n in 0u64..1_000_000_000_000_000) {
            let text = n.to_string();
            let chars: Vec<char> = text.chars().collect();
            prop_assert_eq!(parse_number(&chars), Some((n as f64, chars.len())));
        }
    }
}
