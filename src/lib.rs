pub mod escapes;
pub mod rules;
pub mod sensitive;
