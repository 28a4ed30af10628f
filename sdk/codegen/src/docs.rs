//! The rustdoc-only sections of each entry point (`# Errors`, `# Events`, `# Authorization`),
//! read from the contract's `src/contract.rs`. The contracts keep them out of the WASM spec with
//! `#[cfg_attr(doc, doc = "…")]`, so the deployed code carries only the one-line summary; the
//! generated bindings carry both, so who must sign and what can fail show where a caller looks.

use std::{collections::BTreeMap, fs, path::Path};

use syn::{punctuated::Punctuated, Expr, ExprLit, ImplItem, Item, Lit, Meta, Token};

/// Entry-point name → its rustdoc-only text, for every `pub fn` in an `impl` of `contract_rs`.
///
/// # Errors
/// The file can't be read or parsed as Rust.
pub fn entry_point_sections(contract_rs: &Path) -> Result<BTreeMap<String, String>, String> {
    let source =
        fs::read_to_string(contract_rs).map_err(|e| format!("{}: {e}", contract_rs.display()))?;
    let file = syn::parse_file(&source).map_err(|e| format!("{}: {e}", contract_rs.display()))?;
    let mut sections = BTreeMap::new();
    for item in file.items {
        let Item::Impl(block) = item else { continue };
        for member in block.items {
            let ImplItem::Fn(f) = member else { continue };
            let text: Vec<String> = f.attrs.iter().filter_map(doc_only_text).collect();
            if !text.is_empty() {
                sections.insert(f.sig.ident.to_string(), text.join("\n").trim().to_string());
            }
        }
    }
    Ok(sections)
}

/// The string of `#[cfg_attr(doc, doc = "…")]`, if `attr` is one.
fn doc_only_text(attr: &syn::Attribute) -> Option<String> {
    if !attr.path().is_ident("cfg_attr") {
        return None;
    }
    let args = attr
        .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        .ok()?;
    let mut args = args.iter();
    let (Some(Meta::Path(cfg)), Some(Meta::NameValue(doc))) = (args.next(), args.next()) else {
        return None;
    };
    if !cfg.is_ident("doc") || !doc.path.is_ident("doc") {
        return None;
    }
    match &doc.value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s.value()),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_doc_only_sections_are_read_per_entry_point() {
        let dir = std::env::temp_dir().join(format!("gen-sdk-docs-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("contract.rs");
        fs::write(
            &path,
            r#"
            impl Contract {
                /// Summary, in the spec.
                #[cfg_attr(doc, doc = "
# Authorization
`sender`.")]
                pub fn create(e: Env) {}
                /// No extra sections.
                pub fn plain(e: Env) {}
                #[cfg_attr(test, derive(Debug))]
                pub fn other_cfg(e: Env) {}
            }
            "#,
        )
        .unwrap();
        let sections = entry_point_sections(&path).unwrap();
        assert_eq!(sections.len(), 1, "{sections:?}");
        assert_eq!(sections["create"], "# Authorization\n`sender`.");
        assert!(entry_point_sections(&dir.join("missing.rs")).is_err());
        fs::remove_dir_all(dir).unwrap();
    }
}
