// NLPTestSupport module.
