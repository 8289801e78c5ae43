// swift-tools-version: 6.0
// The nlp toolkit: an ICU tokenizer and vocabulary builder, a oneDNN-backed numeric core, recurrent
// networks trained by BPTT, and the `nlp` command-line tool. See README.md and ../shared/DESIGN.md.
import Foundation
import PackageDescription

/// Numeric targets are generic over the scalar (Float for training, Double for gradient checks);
/// cross-module optimization lets callers in other modules specialise them for Float. Release
/// builds target AVX2 + FMA (Haswell, 2013, and every x86-64 server CPU since) so that the
/// element-wise kernels vectorise 8 floats wide.
let numericSettings: [SwiftSetting] = [
    .unsafeFlags(["-cross-module-optimization", "-target-cpu", "haswell"], .when(configuration: .release)),
]

let package = Package(
    name: "nlp",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "nlp", targets: ["nlp"]),
        .library(name: "Tokenize", targets: ["Tokenize"]),
        .library(name: "Seq2Seq", targets: ["Seq2Seq"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // `nlp serve`: HTTP on SwiftNIO, Prometheus metrics, request logging, graceful shutdown.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Tests only: the HTTP client that talks to a running `nlp serve` (and its buffers and methods).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
    ],
    targets: [
        // Plain-C shim over ICU: the ICU headers stay inside the .c file, the public header exposes
        // only plain C types (ICU's symbol names are version-suffixed macros Swift cannot call).
        .target(
            name: "CICU",
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icudata")]
        ),
        // oneDNN (libdnnl-dev) as a system library: dnnl_sgemm for every matrix product.
        .systemLibrary(name: "CDNNL"),
        // zlib (zlib1g-dev) as a system library: `.gz` inputs are decompressed as a stream.
        .systemLibrary(name: "CZlib"),

        // Files: line reading (UTF-8 checked, `.gz` through zlib), buffered writing, the one
        // atomic writer, SHA-256 checksums, and `FileError`, which names the file and line.
        .target(name: "FileIO", dependencies: ["CICU", "CZlib"]),
        .target(name: "Tokenize", dependencies: ["CICU", "FileIO"]),
        .target(
            name: "Tensor",
            dependencies: ["CDNNL", "FileIO", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: numericSettings
        ),
        .target(name: "Embedding", dependencies: ["Tensor", "FileIO"], swiftSettings: numericSettings),
        .target(
            name: "Seq2Seq",
            dependencies: ["Tensor", "Embedding", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: numericSettings
        ),
        // Tasks end to end: pipeline stages, model files, training loop, sentiment, tagging,
        // translation. The library API the CLI and users call.
        .target(
            name: "Pipeline",
            dependencies: ["FileIO", "Tokenize", "Tensor", "Embedding", "Seq2Seq"],
            swiftSettings: numericSettings
        ),
        // Training recipes: YAML files of `nlp train` options (`--config`), read into command-line words.
        .target(name: "Recipes", dependencies: ["FileIO", "Pipeline", .product(name: "Yams", package: "Yams")]),
        // The speed workloads of `nlp bench`, shaped as ../shared/bench/torch_anchor.py's.
        .target(name: "Benchmarks", dependencies: ["Tensor", "Embedding", "Seq2Seq"], swiftSettings: numericSettings),
        // `nlp serve`: the three models behind HTTP/JSON, one inference thread gathering the
        // sentences of concurrent requests into batches.
        .target(
            name: "Serving",
            dependencies: [
                "Pipeline", "Tensor",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "nlp",
            dependencies: [
                "FileIO", "Tokenize", "Tensor", "Embedding", "Seq2Seq", "Pipeline", "Recipes", "Benchmarks", "Serving",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: numericSettings
        ),
        // Helpers shared by the test targets (gradient checks, fixture loading); not a product.
        .target(name: "NLPTestSupport", dependencies: ["Tensor"], swiftSettings: numericSettings),

        .testTarget(name: "FileIOTests", dependencies: ["FileIO", "NLPTestSupport"]),
        .testTarget(name: "TokenizeTests", dependencies: ["Tokenize", "FileIO", "NLPTestSupport"]),
        .testTarget(
            name: "TensorTests",
            dependencies: ["Tensor", "NLPTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "EmbeddingTests", dependencies: ["Embedding", "Seq2Seq", "FileIO", "NLPTestSupport"]),
        .testTarget(
            name: "Seq2SeqTests",
            dependencies: ["Seq2Seq", "NLPTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Pipeline", "FileIO", "NLPTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "RecipesTests", dependencies: ["Recipes", "Pipeline", "NLPTestSupport"]),
        .testTarget(
            name: "NLPCLITests",
            dependencies: [
                "nlp",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ]
)

// libFuzzer targets, only when NLP_FUZZ is set: they link only with -sanitize=fuzzer (their entry
// hands the command line to libFuzzer's driver), so ordinary builds and CI never see them.
// Scripts/fuzz.sh TARGET SECONDS builds and runs one.
if ProcessInfo.processInfo.environment["NLP_FUZZ"] != nil {
    package.targets.append(contentsOf: [
        .target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"),
        .executableTarget(name: "FuzzSafeTensors", dependencies: ["Tensor", "FuzzSupport"], path: "Fuzz/FuzzSafeTensors"),
        .executableTarget(name: "FuzzCoNLLReader", dependencies: ["Pipeline", "FileIO", "FuzzSupport"],
                          path: "Fuzz/FuzzCoNLLReader"),
        .executableTarget(name: "FuzzTokenizer", dependencies: ["CICU", "Tokenize", "FuzzSupport"], path: "Fuzz/FuzzTokenizer"),
        .executableTarget(name: "FuzzParallelCorpus", dependencies: ["Pipeline", "FileIO", "FuzzSupport"],
                          path: "Fuzz/FuzzParallelCorpus"),
        .executableTarget(name: "FuzzLabeledText", dependencies: ["Pipeline", "FileIO", "FuzzSupport"],
                          path: "Fuzz/FuzzLabeledText"),
        .executableTarget(name: "FuzzVocabulary", dependencies: ["Tokenize", "FileIO", "FuzzSupport"], path: "Fuzz/FuzzVocabulary"),
        .executableTarget(name: "FuzzBytePairEncoding", dependencies: ["Tokenize", "FuzzSupport"], path: "Fuzz/FuzzBytePairEncoding"),
        .executableTarget(name: "FuzzPretrainedVectors", dependencies: ["Embedding", "Tensor", "FileIO", "FuzzSupport"],
                          path: "Fuzz/FuzzPretrainedVectors"),
        .executableTarget(name: "FuzzModelFile", dependencies: ["Pipeline", "Tensor", "Tokenize", "FileIO", "FuzzSupport"],
                          path: "Fuzz/FuzzModelFile"),
        .executableTarget(name: "FuzzRecipe", dependencies: ["Recipes", "Pipeline", "FileIO", "FuzzSupport"], path: "Fuzz/FuzzRecipe"),
    ])
}
