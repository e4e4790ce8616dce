//! SeaORM entities, one module per table.

pub mod account_event;
