// Speed probe for choosing how the numeric core should multiply matrices on this machine.
//
// Times C (M, N) = A (M, K) · B (K, N) three ways: dnnl_sgemm (what the core uses today), oneDNN's
// matmul primitive in f32 with B pre-packed into the primitive's preferred layout, and the same in
// bf16 (inputs rounded to bfloat16, f32 accumulation and output; AMX where the CPU has it), and in
// int8 (u8 A, s8 packed B, s32 accumulation, f32 output; oneDNN 2.6's gemm-based int8 matmul has no
// per-column output scales given at run time, so a dynamically quantised product scales the
// output itself, one pass over C, not timed here).
// Prints GFLOP/s. Not part of the build or the tests.
//
//   gcc -O2 Scripts/bench/dnnl_matmul_probe.c -o /tmp/dnnl_matmul_probe -ldnnl
//   OMP_NUM_THREADS=2 /tmp/dnnl_matmul_probe 32 1024 256 2000
#include <oneapi/dnnl/dnnl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK(call) do { dnnl_status_t s_ = (call); if (s_ != dnnl_success) { \
    fprintf(stderr, "%s:%d: oneDNN status %d\n", __FILE__, __LINE__, (int)s_); exit(1); } } while (0)

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/// Round-to-nearest-even float → bfloat16.
static uint16_t to_bf16(float x) {
    uint32_t bits;
    memcpy(&bits, &x, 4);
    bits += 0x7FFF + ((bits >> 16) & 1);
    return (uint16_t)(bits >> 16);
}

/// GFLOP/s of the matmul primitive with data type `type` for A and B (C is f32), B pre-packed.
static double matmul_primitive(dnnl_data_type_t type, int M, int N, int K, const float *A, const float *B,
                               float *C, int iterations, const char **implementation) {
    size_t element = type == dnnl_bf16 ? 2 : type == dnnl_s8 ? 1 : 4;
    void *a = malloc(element * M * K), *b = malloc(element * K * N);
    if (type == dnnl_s8) {
        for (int i = 0; i < M * K; i++) ((uint8_t *)a)[i] = (uint8_t)(128 + (int)(A[i] * 250));
        for (int i = 0; i < K * N; i++) ((int8_t *)b)[i] = (int8_t)(B[i] * 250);
    } else if (type == dnnl_bf16) {
        for (int i = 0; i < M * K; i++) ((uint16_t *)a)[i] = to_bf16(A[i]);
        for (int i = 0; i < K * N; i++) ((uint16_t *)b)[i] = to_bf16(B[i]);
    } else {
        memcpy(a, A, 4 * (size_t)M * K);
        memcpy(b, B, 4 * (size_t)K * N);
    }
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
    dnnl_memory_desc_t a_md, b_md, b_any, c_md;
    dnnl_dims_t a_dims = {M, K}, b_dims = {K, N}, c_dims = {M, N};
    CHECK(dnnl_memory_desc_init_by_tag(&a_md, 2, a_dims, type == dnnl_s8 ? dnnl_u8 : type, dnnl_ab));
    CHECK(dnnl_memory_desc_init_by_tag(&b_md, 2, b_dims, type, dnnl_ab));
    CHECK(dnnl_memory_desc_init_by_tag(&b_any, 2, b_dims, type, dnnl_format_tag_any));
    CHECK(dnnl_memory_desc_init_by_tag(&c_md, 2, c_dims, dnnl_f32, dnnl_ab));
    dnnl_matmul_desc_t desc;
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t matmul;
    CHECK(dnnl_matmul_desc_init(&desc, &a_md, &b_any, NULL, &c_md));
    CHECK(dnnl_primitive_desc_create(&pd, &desc, NULL, engine, NULL));
    CHECK(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, implementation));
    CHECK(dnnl_primitive_create(&matmul, pd));
    const dnnl_memory_desc_t *packed_md = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);

    dnnl_memory_t a_mem, b_mem, packed, c_mem;
    CHECK(dnnl_memory_create(&a_mem, &a_md, engine, a));
    CHECK(dnnl_memory_create(&b_mem, &b_md, engine, b));
    CHECK(dnnl_memory_create(&packed, packed_md, engine, DNNL_MEMORY_ALLOCATE));
    CHECK(dnnl_memory_create(&c_mem, &c_md, engine, C));
    dnnl_primitive_desc_t reorder_pd;
    dnnl_primitive_t reorder;
    CHECK(dnnl_reorder_primitive_desc_create(&reorder_pd, &b_md, engine, packed_md, engine, NULL));
    CHECK(dnnl_primitive_create(&reorder, reorder_pd));
    dnnl_exec_arg_t reorder_args[2] = {{DNNL_ARG_FROM, b_mem}, {DNNL_ARG_TO, packed}};
    CHECK(dnnl_primitive_execute(reorder, stream, 2, reorder_args));
    CHECK(dnnl_stream_wait(stream));

    dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, a_mem}, {DNNL_ARG_WEIGHTS, packed}, {DNNL_ARG_DST, c_mem}};
    for (int i = 0; i < 10; i++) CHECK(dnnl_primitive_execute(matmul, stream, 3, args));
    CHECK(dnnl_stream_wait(stream));
    double start = seconds();
    for (int i = 0; i < iterations; i++) CHECK(dnnl_primitive_execute(matmul, stream, 3, args));
    CHECK(dnnl_stream_wait(stream));
    double rate = 2.0 * M * N * K * iterations / (seconds() - start) / 1e9;
    free(a);
    free(b);
    return rate;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s M N K iterations\n", argv[0]);
        return 2;
    }
    int M = atoi(argv[1]), N = atoi(argv[2]), K = atoi(argv[3]), iterations = atoi(argv[4]);
    if (M <= 0 || N <= 0 || K <= 0 || iterations <= 0) {
        fprintf(stderr, "M, N, K and iterations must be positive\n");
        return 2;
    }
    float *A = malloc(sizeof(float) * M * K), *B = malloc(sizeof(float) * K * N), *C = malloc(sizeof(float) * M * N);
    srand(1);
    for (int i = 0; i < M * K; i++) A[i] = (float)rand() / RAND_MAX - 0.5f;
    for (int i = 0; i < K * N; i++) B[i] = (float)rand() / RAND_MAX - 0.5f;

    for (int i = 0; i < 10; i++) dnnl_sgemm('N', 'N', M, N, K, 1, A, K, B, N, 0, C, N);
    double start = seconds();
    for (int i = 0; i < iterations; i++) dnnl_sgemm('N', 'N', M, N, K, 1, A, K, B, N, 0, C, N);
    double sgemm = 2.0 * M * N * K * iterations / (seconds() - start) / 1e9;

    const char *f32_impl, *bf16_impl = "none", *int8_impl;
    double f32 = matmul_primitive(dnnl_f32, M, N, K, A, B, C, iterations, &f32_impl);
    double bf16 = getenv("NO_BF16") ? 0 : matmul_primitive(dnnl_bf16, M, N, K, A, B, C, iterations, &bf16_impl);
    double int8 = matmul_primitive(dnnl_s8, M, N, K, A, B, C, iterations, &int8_impl);
    printf("M=%d N=%d K=%d  sgemm %.1f  matmul f32 packed (%s) %.1f  bf16 packed (%s) %.1f  int8 packed (%s) %.1f GFLOP/s\n",
           M, N, K, sgemm, f32_impl, f32, bf16_impl, bf16, int8_impl, int8);
    free(A); free(B); free(C);
    return 0;
}
