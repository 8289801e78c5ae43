/// The API of `nlp serve` as an OpenAPI 3.0 document, served at `GET /openapi.json`. The tests
/// check that it parses and names every route the server has.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.0.3",
      "info": {
        "title": "nlp serve",
        "version": "1.0.0",
        "description": "English-German translation, named-entity tagging and sentiment classification. Each result is the object the command line's --json output writes for that text, in input order. Errors are {\"error\": {\"message\", \"field\"}}."
      },
      "paths": {
        "/v1/translate": {
          "post": {
            "summary": "Translate texts (nlp translate --json)",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TranslateRequest"}}}},
            "responses": {
              "200": {"description": "One entry per text", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TranslateResponse"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "503": {"$ref": "#/components/responses/Unavailable"},
              "504": {"$ref": "#/components/responses/TimedOut"}
            }
          }
        },
        "/v1/tag": {
          "post": {
            "summary": "Tag named entities (nlp tag --output json)",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TextsRequest"}}}},
            "responses": {
              "200": {"description": "The sentences of each text", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TagResponse"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "503": {"$ref": "#/components/responses/Unavailable"},
              "504": {"$ref": "#/components/responses/TimedOut"}
            }
          }
        },
        "/v1/classify": {
          "post": {
            "summary": "Classify sentiment (nlp classify --json)",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TextsRequest"}}}},
            "responses": {
              "200": {"description": "One classification per text", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClassifyResponse"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "503": {"$ref": "#/components/responses/Unavailable"},
              "504": {"$ref": "#/components/responses/TimedOut"}
            }
          }
        },
        "/health": {
          "get": {
            "summary": "Ready once the models are loaded",
            "responses": {
              "200": {"description": "Ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
              "503": {"description": "Loading or stopping", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}
            }
          }
        },
        "/metrics": {
          "get": {
            "summary": "Prometheus metrics: requests, errors, latency, sentences, batch sizes, queue length",
            "responses": {"200": {"description": "Prometheus text format", "content": {"text/plain": {"schema": {"type": "string"}}}}}
          }
        },
        "/openapi.json": {
          "get": {
            "summary": "This document",
            "responses": {"200": {"description": "OpenAPI 3.0", "content": {"application/json": {"schema": {"type": "object"}}}}}
          }
        }
      },
      "components": {
        "schemas": {
          "TextsRequest": {
            "type": "object",
            "description": "Give text or texts, not both.",
            "properties": {
              "text": {"type": "string"},
              "texts": {"type": "array", "items": {"type": "string"}}
            },
            "additionalProperties": false
          },
          "TranslateRequest": {
            "type": "object",
            "description": "Give text or texts, not both.",
            "properties": {
              "text": {"type": "string"},
              "texts": {"type": "array", "items": {"type": "string"}},
              "beam": {"type": "integer", "minimum": 1, "default": 5, "description": "1 is greedy search"},
              "n_best": {"type": "integer", "minimum": 1, "default": 1, "description": "translations per text, at most beam"},
              "max_length_ratio": {"type": "number", "exclusiveMinimum": true, "minimum": 0, "maximum": 1000, "default": 2.0}
            },
            "additionalProperties": false
          },
          "Translation": {
            "type": "object",
            "properties": {
              "text": {"type": "string"},
              "score": {"type": "number"},
              "logProbability": {"type": "number"},
              "sourcePieces": {"type": "array", "items": {"type": "string"}},
              "targetPieces": {"type": "array", "items": {"type": "string"}},
              "alignments": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}}
            }
          },
          "TranslateResponse": {
            "type": "object",
            "properties": {
              "translations": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "source": {"type": "string"},
                    "translations": {"type": "array", "items": {"$ref": "#/components/schemas/Translation"}}
                  }
                }
              }
            }
          },
          "TaggedSentence": {
            "type": "object",
            "description": "start and end count Unicode code points from the start of the text",
            "properties": {
              "text": {"type": "string"},
              "start": {"type": "integer"},
              "end": {"type": "integer"},
              "entities": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "type": {"type": "string"}, "text": {"type": "string"},
                    "start": {"type": "integer"}, "end": {"type": "integer"}, "confidence": {"type": "number"}
                  }
                }
              },
              "tokens": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "text": {"type": "string"}, "tag": {"type": "string"},
                    "start": {"type": "integer"}, "end": {"type": "integer"}
                  }
                }
              }
            }
          },
          "TagResponse": {
            "type": "object",
            "properties": {
              "sentences": {"type": "array", "items": {"type": "array", "items": {"$ref": "#/components/schemas/TaggedSentence"}}}
            }
          },
          "Classification": {
            "type": "object",
            "description": "label and probability are null for a blank text",
            "properties": {
              "label": {"type": "string", "nullable": true},
              "probability": {"type": "number", "nullable": true},
              "probabilities": {"type": "object", "additionalProperties": {"type": "number"}},
              "text": {"type": "string"}
            }
          },
          "ClassifyResponse": {
            "type": "object",
            "properties": {
              "classifications": {"type": "array", "items": {"$ref": "#/components/schemas/Classification"}}
            }
          },
          "Health": {
            "type": "object",
            "properties": {"status": {"type": "string", "enum": ["ready", "loading", "stopping"]}}
          },
          "Error": {
            "type": "object",
            "properties": {
              "error": {
                "type": "object",
                "properties": {
                  "message": {"type": "string"},
                  "field": {"type": "string", "description": "the request field at fault, as texts[3]"}
                }
              }
            }
          }
        },
        "responses": {
          "BadRequest": {"description": "Malformed JSON, a wrong type, an unknown field or a value out of range", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "TooLarge": {"description": "Body, number of texts or a text over the server's limits", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Unavailable": {
            "description": "Loading, shutting down, or the queue is full",
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "TimedOut": {"description": "Not answered within the server's timeout", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      }
    }
    """#
}
