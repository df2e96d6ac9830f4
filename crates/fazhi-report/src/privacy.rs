//! Removing personal data from what is published: resident identity numbers (18 digits, the last a
//! check digit), mobile and landline numbers, the names of citizens the ledgers hold (petitioners,
//! parties, applicants), and addresses below the village (组, 号, 栋, 单元, 室). Masked, not dropped,
//! so the sentence still reads: 张三 → 张某, 13812345678 → 138****5678.

/// Whether 18 characters are a resident identity number: 17 digits and a check character that
/// agrees with them (GB 11643).
fn is_identity_number(chars: &[char]) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    if chars.len() != 18 || !chars[..17].iter().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = chars[..17].iter().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    chars[17].to_ascii_uppercase() == CHECK[(sum % 11) as usize]
}

/// Masks the runs of digits that are identity, mobile or landline numbers.
fn mask_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // A run of digits, with the dashes of a landline and an identity number's final X.
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit() || (chars[i] == '-' && i + 1 < chars.len() && chars[i + 1].is_ascii_digit()))
        {
            i += 1;
        }
        if i < chars.len() && matches!(chars[i], 'X' | 'x') && i - start == 17 {
            i += 1;
        }
        let run: Vec<char> = chars[start..i].to_vec();
        let digits: Vec<char> = run.iter().copied().filter(|c| *c != '-').collect();
        let masked: String = if is_identity_number(&run) {
            run[..6].iter().collect::<String>() + "********" + &run[14..].iter().collect::<String>()
        } else if run.len() == 11 && run[0] == '1' && ('3'..='9').contains(&run[1]) {
            run[..3].iter().collect::<String>() + "****" + &run[7..].iter().collect::<String>()
        } else if run[0] == '0' && run.contains(&'-') && (10..=12).contains(&digits.len()) {
            let dash = run.iter().position(|c| *c == '-').unwrap_or(0);
            run[..=dash].iter().collect::<String>() + "****" + &run[run.len() - 4..].iter().collect::<String>()
        } else {
            run.iter().collect()
        };
        out.push_str(&masked);
    }
    out
}

/// Masks what follows a village or community down to the house: 红岩村3组12号 → 红岩村****.
fn mask_addresses(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        out.push(chars[i]);
        let village_end = matches!(chars[i], '村' | '区') && (chars[i] == '村' || (i > 0 && chars[i - 1] == '社'));
        if village_end {
            let mut j = i + 1;
            while j < chars.len() && j - i <= 16 && !"，。；、,.;：:（）() \n".contains(chars[j]) {
                j += 1;
            }
            let tail: String = chars[i + 1..j].iter().collect();
            let has_house = tail.chars().any(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
                && ["组", "号", "栋", "幢", "单元", "室", "社"].iter().any(|m| tail.contains(m));
            if has_house {
                out.push_str("****");
                i = j;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// The text with personal data masked; `names` are the citizens' names the ledgers hold.
pub fn mask(text: &str, names: &[String]) -> String {
    let mut out = mask_addresses(&mask_numbers(text));
    let mut names: Vec<&String> = names.iter().filter(|n| n.chars().count() >= 2).collect();
    // Longer names first, so 欧阳明 is masked before 欧阳.
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    for name in names {
        if out.contains(name.as_str()) {
            let surname: String = name.chars().take(1).collect();
            out = out.replace(name.as_str(), &format!("{surname}某"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_numbers_phones_addresses_and_names_are_masked_and_the_rest_kept() {
        let text = "群众张三（身份证号11010519491231002X，电话13812345678，座机023-87654321，住红岩村3组12号）反映问题，全年办结信访118件次。";
        let masked = mask(text, &["张三".into()]);
        assert!(!masked.contains("张三") && masked.contains("张某"), "{masked}");
        assert!(!masked.contains("11010519491231002X") && masked.contains("110105********002X"), "{masked}");
        assert!(!masked.contains("13812345678") && masked.contains("138****5678"), "{masked}");
        assert!(!masked.contains("87654321") && masked.contains("023-****4321"), "{masked}");
        assert!(!masked.contains("3组12号") && masked.contains("红岩村****"), "{masked}");
        assert!(masked.contains("全年办结信访118件次"), "figures stay: {masked}");
    }

    #[test]
    fn numbers_that_are_not_personal_stay() {
        let text = "发放宣传资料20000余份，投资12345678901元，编号123456789012345678。";
        assert_eq!(mask(text, &[]), text, "an 18-digit number whose check digit fails is not an identity number");
        assert_eq!(mask("三台村召开院坝会", &[]), "三台村召开院坝会");
    }
}
