pub mod moderation;
pub mod rules;
