//! `Spanned<T>`: a value and where it was written, from YAML or from the compiled pack.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, IgnoredAny, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_saphyr::Location;

/// serde-saphyr's `Spanned`, read the same way from YAML, and readable from other formats
/// too: the built-in pack is decoded from CBOR (see `build.rs`), where values have no place
/// and nothing is ever diagnosed. As YAML does, a scalar asked for as text is its text
/// (`is: true` is the text "true"), so both read the pack alike; a test compares them.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub referenced: Location,
}

/// The name serde-saphyr recognises, and the key it puts first in the map it then hands over.
const NAME: &str = "__yaml_spanned";
const MARKER: &str = "__serde_saphyr_private_spanned";

impl<T: Default> Default for Spanned<T> {
    fn default() -> Self {
        Spanned { value: T::default(), referenced: Location::UNKNOWN }
    }
}

/// Written as its value, as serde-saphyr's is (the schema shows defaults this way).
impl<T: serde::Serialize> serde::Serialize for Spanned<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(NAME, SpannedVisitor(PhantomData))
    }
}

struct SpannedVisitor<T>(PhantomData<T>);

fn nowhere<T>(value: T) -> Spanned<T> {
    Spanned { value, referenced: Location::UNKNOWN }
}

/// A scalar as `T`, or as its text when `T` wants text.
fn scalar<'de, T: Deserialize<'de>, V, E>(v: V) -> Result<Spanned<T>, E>
where
    V: IntoDeserializer<'de, E> + fmt::Display + Copy,
    E: de::Error,
{
    T::deserialize(v.into_deserializer())
        .or_else(|_: E| T::deserialize(v.to_string().into_deserializer()))
        .map(nowhere)
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for SpannedVisitor<T> {
    type Value = Spanned<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            return T::deserialize(MapAccessDeserializer::new(map)).map(nowhere);
        };
        if first != MARKER {
            let rest = Prepend { first: Some(first), rest: map };
            return T::deserialize(MapAccessDeserializer::new(rest)).map(nowhere);
        }
        map.next_value::<IgnoredAny>()?;
        let (mut value, mut referenced) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "value" => value = Some(map.next_value()?),
                "referenced" => referenced = Some(map.next_value()?),
                // Where an alias's anchor was defined: read, as the map requires, and unused.
                "defined" => {
                    map.next_value::<Location>()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let value = value.ok_or_else(|| de::Error::missing_field("value"))?;
        Ok(Spanned { value, referenced: referenced.unwrap_or(Location::UNKNOWN) })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::deserialize(SeqAccessDeserializer::new(seq)).map(nowhere)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(nowhere)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(nowhere)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        scalar(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        scalar(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        scalar(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        scalar(v)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        T::deserialize(().into_deserializer()).map(nowhere)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }
}

/// A map whose first key was already read.
struct Prepend<A> {
    first: Option<String>,
    rest: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Prepend<A> {
    type Error = A::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        match self.first.take() {
            Some(first) => seed.deserialize(first.into_deserializer()).map(Some),
            None => self.rest.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.rest.next_value_seed(seed)
    }
}
