/// A random version-4 UUID in its 36-character text form, which fits the gateway's
/// `client_order_id` rules (letters, digits and `-`, at most 64 characters, room left
/// for the `.tp`/`.sl` bracket suffixes).
///
/// Set it on an [`crate::OrderSpec`] yourself when you may submit the same order again
/// after [`crate::Client::submit_order`] has given up: the gateway recognises the repeat
/// by this id and returns the original order.
pub fn new_client_order_id() -> String {
    let mut u = [0u8; 16];
    fill_random(&mut u);
    u[6] = (u[6] & 0x0f) | 0x40; // version 4
    u[8] = (u[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = u.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

pub(crate) fn random_u64() -> u64 {
    let mut b = [0u8; 8];
    fill_random(&mut b);
    u64::from_le_bytes(b)
}

fn fill_random(buf: &mut [u8]) {
    // The operating system's generator fails only where there is none at all; an
    // order id is no use without it.
    getrandom::fill(buf).expect("the operating system's random number generator failed");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_version_4_uuids_and_differ() {
        let a = new_client_order_id();
        let b = new_client_order_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
        assert!(matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
        assert!(a.chars().all(|c| c.is_ascii_hexdigit() || c == '-'));
    }
}
