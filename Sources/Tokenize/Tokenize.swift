// Tokenize module.
