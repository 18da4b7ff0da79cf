//! S family: sensitive data in message text (secrets, personal data, special tokens). The
//! detection itself lives in [`crate::sensitive`]; these files hold each rule's documentation,
//! metadata and wording.

pub mod s001_secret;
pub mod s002_email_address;
pub mod s003_phone_number;
pub mod s004_payment_card;
pub mod s005_national_id;
pub mod s006_personal_profile;
pub mod s007_special_token;
pub mod s008_street_address;
pub mod s009_birth_date;

use crate::rules::Rule;

pub const RULES: &[&Rule] = &[
    &s001_secret::RULE,
    &s002_email_address::RULE,
    &s003_phone_number::RULE,
    &s004_payment_card::RULE,
    &s005_national_id::RULE,
    &s006_personal_profile::RULE,
    &s007_special_token::RULE,
    &s008_street_address::RULE,
    &s009_birth_date::RULE,
];
