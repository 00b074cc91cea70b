// swift-tools-version:6.0
import PackageDescription

// Dependency direction (docs/architecture.md):
//   cliport -> Recorder, Trainer, Capture, Benchmarks -> Sim, Dataset, Model -> Core, Geometry and the C wrappers.
// Benchmarks (figures, never pass/fail) measures the modules beside it, so only cliport depends on it. It and
// the tests make datasets with SyntheticData (simulator-free episodes and scenes), which builds on Dataset.
// Each C library is reached only through its Swift wrapper module (MuJoCo, HDF5, PNG, BLAS, MPI, Zlib, Video,
// FFTW, DNNL).
let package = Package(
    name: "cliport",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cliport", targets: ["cliport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        // Already used by Hummingbird; named here because the capture server adds a channel handler.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
    ],
    targets: [
        // C system libraries: a module map and a shim header each.
        .systemLibrary(name: "CMuJoCo", path: "Sources/CMuJoCo", providers: [.apt(["libmujoco-dev"])]),
        .systemLibrary(name: "CEGL", path: "Sources/CEGL", pkgConfig: "egl", providers: [.apt(["libegl-dev", "libegl-mesa0"])]),
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .systemLibrary(name: "CISAL", path: "Sources/CISAL", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        // FFTW (single precision) for the transport's FFT correlation; oneDNN for the convolutions.
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CFFmpeg", path: "Sources/CFFmpeg", pkgConfig: "libavformat",
                       providers: [.apt(["libavcodec-dev", "libavformat-dev", "libswscale-dev", "libavutil-dev"])]),

        // Small Swift wrappers: the only code that touches C handles.
        .target(name: "MuJoCo", dependencies: ["CMuJoCo", "CEGL", "Geometry"]),
        .target(name: "HDF5", dependencies: ["CHDF5", "CISAL"]),
        .target(name: "PNG", dependencies: ["CPNG"]),
        .target(name: "BLAS", dependencies: ["COpenBLAS"]),
        .target(name: "MPI", dependencies: ["CMPI"]),
        .target(name: "Zlib", dependencies: ["CZlib"]),
        .target(name: "FFTW", dependencies: ["CFFTW"]),
        .target(name: "DNNL", dependencies: ["CDNNL"]),
        .target(name: "Video", dependencies: ["CFFmpeg"]),

        // The project's modules. Core: what every module shares (splits, durable files, clocks).
        .target(name: "Core"),
        .target(name: "Geometry"),
        .target(name: "Sim", dependencies: ["Core", "Geometry", "MuJoCo"]),
        .target(name: "Dataset", dependencies: ["Core", "Geometry", "HDF5", "PNG", "Video"]),
        .target(name: "Model", dependencies: ["Core", "BLAS", "HDF5", "Zlib", "FFTW", "DNNL"]),
        .target(name: "Trainer", dependencies: ["Core", "Model", "Dataset", "Sim", "Geometry", "MPI", "PNG", "HDF5", "BLAS"]),
        // Synthetic datasets without a simulator: for the benchmarks and the loader and trainer tests.
        .target(name: "SyntheticData", dependencies: ["Core", "Dataset", "Geometry"]),
        // Benchmark code, kept out of the libraries it measures.
        .target(name: "Benchmarks", dependencies: ["Core", "Dataset", "SyntheticData", "Recorder", "Sim", "Trainer", "Model", "BLAS", "Geometry", "HDF5"]),
        .target(name: "Recorder", dependencies: ["Core", "Sim", "Dataset", "Geometry", "PNG", "HDF5"]),
        // What the two web servers (capture, serve) share: listening, the Host check, the request deadline.
        .target(name: "WebServing", dependencies: [
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        ]),
        // The web capture tool. Its page (Page/index.html, Page/app.js) is compiled into the module by the
        // EmbedCapturePage plugin, so the `cliport` binary serves it wherever it is copied.
        .target(name: "Capture", dependencies: [
            "Core", "Sim", "Dataset", "Geometry", "PNG", "HDF5", "WebServing",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        ], exclude: ["Page"], plugins: ["EmbedCapturePage"]),
        // `cliport serve`: a read-only browser of datasets and training runs (server-rendered pages).
        .target(name: "Serve", dependencies: [
            "Core", "Dataset", "Geometry", "PNG", "Trainer", "WebServing",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .executableTarget(name: "PageEmbedder"),
        .plugin(name: "EmbedCapturePage", capability: .buildTool(), dependencies: ["PageEmbedder"]),
        .executableTarget(name: "cliport", dependencies: [
            "Core", "Recorder", "Trainer", "Capture", "Serve", "Benchmarks", "Dataset", "Sim", "Model", "Geometry", "HDF5", "MPI", "BLAS",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // What several test targets share: finding the built `cliport` program, temporary folders.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "GeometryTests", dependencies: ["Geometry"]),
        .testTarget(name: "SimTests", dependencies: ["Core", "Sim", "Geometry", "MuJoCo"]),
        .testTarget(name: "DatasetTests", dependencies: ["Dataset", "SyntheticData", "Geometry", "HDF5", "PNG"]),
        .testTarget(name: "ModelTests", dependencies: ["Model", "BLAS", "HDF5", "Zlib", "Core"], exclude: ["Fixtures"]),
        // Also runs the built `cliport` under mpirun (two real ranks).
        .testTarget(name: "TrainerTests", dependencies: ["Trainer", "Recorder", "SyntheticData", "Model", "Dataset", "Sim", "Geometry", "MPI", "HDF5", "PNG", "cliport", "TestSupport"]),
        // Episode videos written through FFmpeg from a simulated episode and decoded back.
        .testTarget(name: "VideoTests", dependencies: ["Video", "Dataset", "Recorder", "Sim", "Geometry", "cliport", "TestSupport"]),
        // `cliport serve` in a real headless Chromium, on a simulated episode and a run folder.
        .testTarget(name: "ServeTests", dependencies: ["Serve", "Dataset", "Recorder", "Trainer", "PNG", "cliport", "TestSupport"]),
        .testTarget(name: "RecorderTests", dependencies: ["Core", "Recorder", "Sim", "Dataset", "Geometry", "MuJoCo", "PNG", "TestSupport"]),
        // The capture tool end to end: a real headless Chromium drives the page against the simulator.
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "WebServing", "Recorder", "Sim", "Dataset", "Geometry", "HDF5", "PNG", "Trainer", "TestSupport"]),
        // Runs the built `cliport` program as a user would (the dependency makes the build produce it).
        .testTarget(name: "CLITests", dependencies: ["cliport", "Dataset", "Sim", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
