//! Support for generated models; builds without the `client` feature.

use std::fmt;

/// The value of the `Volumes` / `ExposedPorts` maps: the spec's `enum: [{}]`, always `{}`.
///
/// A dedicated type (rather than `serde_json::Value`) says in the signature that only the
/// keys of those maps carry information.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmptyObject {}

impl serde::Serialize for EmptyObject {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        serializer.serialize_map(Some(0))?.end()
    }
}

impl<'de> serde::Deserialize<'de> for EmptyObject {
    /// Accepts any object (and null) and drops its content: daemons have been seen to
    /// send `{}` and `null`, and nothing the spec describes lives inside.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let _ = <serde::de::IgnoredAny as serde::Deserialize>::deserialize(deserializer)?;
        Ok(EmptyObject {})
    }
}

/// Deserializes a string enum through `From<&str>`, borrowing the input where the format
/// allows it, so that known values never allocate.
pub fn deserialize_str_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct Visitor<T>(std::marker::PhantomData<T>);
    impl<'de, T: for<'a> From<&'a str>> serde::de::Visitor<'de> for Visitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from(v))
        }
    }
    deserializer.deserialize_str(Visitor(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_object_round_trip() {
        let v: EmptyObject = serde_json::from_str(r#"{"ignored": 1}"#).unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), "{}");
        assert!(serde_json::from_str::<EmptyObject>("null").is_ok());
    }
}

/// A JSON object key, borrowed from the input where the format allows it.
///
/// Generated `Deserialize` impls match keys as strings; borrowing means a response decodes
/// without allocating one `String` per key.
#[derive(Debug)]
pub struct FieldKey<'de>(std::borrow::Cow<'de, str>);

impl FieldKey<'_> {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for FieldKey<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = FieldKey<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(FieldKey(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(FieldKey(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(FieldKey(std::borrow::Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// What generated `Serialize` / `Deserialize` impls call for each field.
///
/// A visitor makes one call per key and has a single `?` after its `match` on the key; a
/// serializer writes through a [`Writer`](field::Writer) and has no `?` at all. A `?` per
/// field (an early return, with its branch and drops) made these impls the largest part
/// of what the compiler type-checks and borrow-checks in a generated crate; this shape
/// takes about a fifth off a models-only build (v1.53: 2.8 s to 2.25 s). The helpers are
/// `#[inline]` so that an optimised build copies them into each caller's codegen unit and
/// inlines them (a debug build does not copy `#[inline]` items, so it costs no compile time).
pub mod field {
    use serde::de::{Deserialize, Error, IgnoredAny, MapAccess};
    use serde::ser::{SerializeMap, Serializer};
    use serde::Serialize;

    /// Writes a struct as a map of its set fields; the first error is kept and returned by
    /// [`end`](Writer::end), and nothing is written after it.
    pub struct Writer<S: Serializer> {
        map: Result<S::SerializeMap, S::Error>,
    }

    impl<S: Serializer> Writer<S> {
        /// Starts the map.
        #[inline]
        pub fn new(serializer: S) -> Self {
            Self {
                map: serializer.serialize_map(None),
            }
        }

        /// Writes `key` and `value`.
        #[inline]
        pub fn required<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
            if let Ok(map) = &mut self.map {
                if let Err(e) = map.serialize_entry(key, value) {
                    self.map = Err(e);
                }
            }
        }

        /// Writes `key` and the value when there is one; an unset field is left out.
        #[inline]
        pub fn optional<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
            if let Some(value) = value {
                self.required(key, value);
            }
        }

        /// Ends the map, or returns the first error.
        #[inline]
        pub fn end(self) -> Result<S::Ok, S::Error> {
            self.map?.end()
        }
    }

    /// Reads the entry's value into `slot`; `null` leaves it `None`.
    #[inline]
    pub fn nullable<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
        map: &mut A,
        slot: &mut Option<T>,
    ) -> Result<(), A::Error> {
        *slot = map.next_value::<Option<T>>()?;
        Ok(())
    }

    /// Reads the entry's value, which may not be `null`, into `slot`.
    #[inline]
    pub fn value<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
        map: &mut A,
        slot: &mut Option<T>,
    ) -> Result<(), A::Error> {
        *slot = Some(map.next_value::<T>()?);
        Ok(())
    }

    /// Reads the entry's value into `slot`, `null` as the empty value (Go's nil slice or
    /// map).
    #[inline]
    pub fn or_empty<'de, A: MapAccess<'de>, T: Deserialize<'de> + Default>(
        map: &mut A,
        slot: &mut Option<T>,
    ) -> Result<(), A::Error> {
        *slot = Some(map.next_value::<Option<T>>()?.unwrap_or_default());
        Ok(())
    }

    /// Skips the value of a key the struct does not know (the API's objects are open).
    #[inline]
    pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
        map.next_value::<IgnoredAny>().map(|_| ())
    }

    /// The value of a required key, or the error naming it (what serde's derive says).
    #[inline]
    pub fn required<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
        match slot {
            Some(value) => Ok(value),
            None => Err(E::missing_field(name)),
        }
    }
}
