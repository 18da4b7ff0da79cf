pub mod rules;
pub mod stats;
pub mod targets;
pub mod tokens;
