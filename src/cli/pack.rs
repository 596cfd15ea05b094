//! Which pack a command uses: `--rules DIR`, or `--pack NAME` among the packs built in (their
//! names offered to shell completion), else the default.

use std::path::PathBuf;

use clap::Args;

use crate::pack::embedded::Builtin;
use crate::run::PackChoice;

/// Which pack a command uses: a folder, or a built-in pack by name (the default when neither).
#[derive(Debug, Args)]
pub struct PackArgs {
    /// A pack folder to use instead of a built-in pack.
    #[arg(long, value_name = "DIR", conflicts_with = "pack")]
    rules: Option<PathBuf>,
    /// A built-in pack, by name (a wrong name lists them); the default when neither this nor
    /// --rules is given.
    #[arg(long, value_name = "NAME", value_parser = BuiltinPack)]
    pack: Option<&'static Builtin>,
}

/// `--pack`'s parser: the built-in packs' names are its possible values, so that shell
/// completion offers them (a plain function parser offers file names).
#[derive(Debug, Clone, Copy)]
pub struct BuiltinPack;

impl clap::builder::TypedValueParser for BuiltinPack {
    type Value = &'static Builtin;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Self::Value, clap::Error> {
        let name = value.to_string_lossy();
        builtin_pack(&name).map_err(|why| {
            let arg = arg.map_or_else(|| "--pack <NAME>".to_string(), ToString::to_string);
            let message = format!("invalid value '{name}' for '{arg}': {why}\n");
            clap::Error::raw(clap::error::ErrorKind::InvalidValue, message).with_cmd(cmd)
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(crate::pack::embedded::builtins().map(|b| clap::builder::PossibleValue::new(b.name))))
    }
}

impl PackArgs {
    pub fn choice(self) -> PackChoice {
        PackChoice::from(self.rules, self.pack)
    }
}

/// A built-in pack's name, checked against the packs built in.
fn builtin_pack(name: &str) -> Result<&'static Builtin, String> {
    crate::pack::embedded::builtin(name).ok_or_else(|| {
        let names: Vec<&str> = crate::pack::embedded::builtins().map(|b| b.name).collect();
        format!("no built-in pack is called `{name}`; built in: {}", names.join(", "))
    })
}
