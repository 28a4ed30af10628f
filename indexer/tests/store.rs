//! A corrupt database, another schema version and another deployment's file are refused
//! with typed errors; a corrupt record surfaces as a typed error naming its table.
#![allow(clippy::unwrap_used, clippy::panic)]

use tributary_indexer::{
    query::{QueryError, Reader},
    store::{self, Store, StoreError},
};

/// A fresh directory, removed when dropped.
fn dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("tributary-store-{name}-"))
        .tempdir()
        .unwrap()
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let tmp_garbage = dir("garbage");
    let path = tmp_garbage.path().join("db.redb");
    std::fs::write(&path, vec![0xab; 64 * 1024]).unwrap();
    assert!(matches!(
        Store::open(&path, None),
        Err(StoreError::NotADatabase { .. })
    ));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        vec![0xab; 64 * 1024],
        "left as it was"
    );
}

#[test]
fn another_schema_version_or_deployment_is_refused() {
    let tmp_schema = dir("schema");
    let path = tmp_schema.path().join("db.redb");
    {
        let s = Store::open(&path, Some(r#"{"stream":"A"}"#)).unwrap();
        let txn = s.db.begin_write().unwrap();
        txn.open_table(store::META)
            .unwrap()
            .insert(
                store::meta_key::SCHEMA_VERSION,
                99u32.to_le_bytes().as_slice(),
            )
            .unwrap();
        txn.commit().unwrap();
    }
    assert!(matches!(
        Store::open(&path, None),
        Err(StoreError::Schema { found: 99 })
    ));
    let tmp_contracts = dir("contracts");
    let other = tmp_contracts.path().join("db.redb");
    drop(Store::open(&other, Some(r#"{"stream":"A"}"#)).unwrap());
    match Store::open(&other, Some(r#"{"stream":"B"}"#)) {
        Err(StoreError::Contracts { stored, .. }) => assert!(stored.contains('A')),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("opened another deployment's database"),
    }
}

#[test]
fn a_corrupt_record_is_a_typed_error_naming_its_table() {
    let s = Store::in_memory().unwrap();
    let txn = s.db.begin_write().unwrap();
    txn.open_table(store::STREAMS)
        .unwrap()
        .insert(7, b"{not json".as_slice())
        .unwrap();
    txn.commit().unwrap();
    match Reader::new(&s).unwrap().stream(7, 0) {
        Err(QueryError::Store(StoreError::Corrupt { table, .. })) => assert_eq!(table, "streams"),
        other => panic!("{other:?}"),
    }
}
