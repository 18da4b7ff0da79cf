//! G — Vertex AI Gemini supervised tuning data: `{"contents": [{"role": "user" | "model",
//! "parts": [{"text": …}]}], "systemInstruction": {"parts": [{"text": …}]}, "tools": […]}`.
//! The structure is `rules/schemas/gemini.schema.json` (with its sources and the decisions taken
//! where they are silent); what relates several values — turn order, which turn may carry a
//! function call, blank text — is Rust, one file a rule. The record's field names are read in
//! both spellings the service accepts (`crate::gemini`).

// The family's rule files (`gNNN_name.rs`), declared by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rule_modules_gemini.rs"));

#[cfg(test)]
mod tests {
    use crate::gemini::DATA_FIELDS;
    use crate::rules::schema::GEMINI_SCHEMA;
    use serde_json::Value;

    /// The data fields G004 counts are the schema's `oneOf` alternatives, spelling for spelling.
    #[test]
    fn data_fields_match_the_schema() {
        let schema: Value = serde_json::from_str(GEMINI_SCHEMA).unwrap();
        let mut in_schema: Vec<&str> = schema["$defs"]["part"]["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|alt| alt["required"][0].as_str().unwrap())
            .collect();
        let mut in_code: Vec<&str> = DATA_FIELDS
            .iter()
            .flat_map(|n| [n.camel, n.snake])
            .collect();
        in_code.dedup();
        in_schema.sort_unstable();
        in_code.sort_unstable();
        assert_eq!(in_schema, in_code);
    }
}
