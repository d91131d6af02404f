-- Free-form labels on hosts (environment, region, owner…), as a JSON object of string to string.
-- The contract limits keys, values and their number; the store only guarantees well-formed JSON.
ALTER TABLE hosts ADD COLUMN labels TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(labels) AND json_type(labels) = 'object');
