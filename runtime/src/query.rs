//! Query-string values and their encoding.
//!
//! The daemon parses queries with Go's `url.ParseQuery`, where `+` means a space, and
//! reads booleans as `1`/`0` (older versions accept nothing else everywhere). Encoding
//! every non-unreserved byte keeps JSON values (`filters`, `buildargs`) intact.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A value that can stand on the right of `key=` in a query string.
pub trait QueryValue {
    /// The unencoded text of the value.
    fn to_query_value(&self) -> String;
}

impl QueryValue for bool {
    fn to_query_value(&self) -> String {
        if *self { "1" } else { "0" }.to_owned()
    }
}

macro_rules! display_query_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn to_query_value(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_query_value!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64);

impl QueryValue for str {
    fn to_query_value(&self) -> String {
        self.to_owned()
    }
}

impl QueryValue for String {
    fn to_query_value(&self) -> String {
        self.clone()
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn to_query_value(&self) -> String {
        (**self).to_query_value()
    }
}

/// Percent-encodes a query key or value.
pub(crate) fn encode_component(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// Appends `key=value` (both encoded) to a query string under construction.
pub(crate) fn push_pair(query: &mut String, key: &str, value: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    query.push_str(&encode_component(key));
    query.push('=');
    query.push_str(&encode_component(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_render_as_the_daemon_reads_them() {
        assert_eq!(true.to_query_value(), "1");
        assert_eq!(false.to_query_value(), "0");
        assert_eq!((-5i64).to_query_value(), "-5");
        assert_eq!(u64::MAX.to_query_value(), "18446744073709551615");
        assert_eq!(1.5f64.to_query_value(), "1.5");
        assert_eq!(2.0f64.to_query_value(), "2");
        assert_eq!("x".to_query_value(), "x");
        assert_eq!(String::from("y").to_query_value(), "y");
        let owned = String::from("z");
        let by_ref: &String = &owned;
        assert_eq!(QueryValue::to_query_value(&by_ref), "z");
    }

    #[test]
    fn pairs_are_encoded_exactly() {
        let mut q = String::new();
        push_pair(&mut q, "all", "1");
        push_pair(&mut q, "filters", r#"{"label":["a=b c"]}"#);
        push_pair(&mut q, "tag", "1+1&x#y/z?é");
        assert_eq!(
            q,
            "all=1&filters=%7B%22label%22%3A%5B%22a%3Db%20c%22%5D%7D&tag=1%2B1%26x%23y%2Fz%3F%C3%A9"
        );
    }
}
