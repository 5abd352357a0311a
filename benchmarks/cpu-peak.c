// This core's peak multiply-accumulate rates, for benchmarks/int8.sh: int8 (AVX-512 VNNI vpdpbusds, the
// instruction ONNX Runtime's integer convolutions run on) and FP32 (AVX-512 FMA). With the argument `avx2`:
// FP32 with AVX2 FMA only, the ceiling of training with portable kernels (libtorch pinned to AVX2). Twelve independent
// accumulators, so the loop is bound by throughput, not latency; timed by the thread's CPU clock.
// .NET 10 has no AVX-512 VNNI intrinsics (AvxVnni is the VEX form, which this CPU lacks), hence C.
// Build: cc -O2 -mavx512f -mavx512bw -mavx512vnni cpu-peak.c -o cpu-peak; run: cpu-peak [avx2]
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

// The loops' results go here, so the compiler cannot drop them.
static volatile float sink;

#define TWELVE(op) op(0) op(1) op(2) op(3) op(4) op(5) op(6) op(7) op(8) op(9) op(10) op(11)

__attribute__((target("avx2,fma"))) static double avx2_fma(long rounds)
{
    const __m256 x = _mm256_set1_ps(0.5f), y = _mm256_set1_ps(0.25f);
#define DECLARE_A(i) __m256 a##i = _mm256_setzero_ps();
#define FMA_A(i) a##i = _mm256_fmadd_ps(a##i, x, y); __asm__ volatile("" : "+v"(a##i));
#define SUM_A(i) total = _mm256_add_ps(total, a##i);
    TWELVE(DECLARE_A)
    const double start = now();
    for (long r = 0; r < rounds; r++)
    {
        TWELVE(FMA_A)
    }
    const double rate = rounds * 12.0 * 8 / (now() - start);
    __m256 total = _mm256_setzero_ps();
    TWELVE(SUM_A)
    float lanes[8];
    _mm256_storeu_ps(lanes, total);
    sink = lanes[0];
    return rate;
}

int main(int argc, char** argv)
{
    if (argc > 1 && argv[1][0] == 'a')
    {
        printf("fp32 avx2-fma %.1f GMAC/s\n", avx2_fma(100000000) / 1e9);
        return 0;
    }

    if (!__builtin_cpu_supports("avx512vnni"))
    {
        printf("no AVX-512 VNNI on this CPU\n");
        return 0;
    }

    const long rounds = 100000000;
    const __m512i a = _mm512_set1_epi32(0x01010101), b = _mm512_set1_epi32(0x01020304);
#define DECLARE_I(i) __m512i c##i = _mm512_setzero_si512();
#define DOT(i) c##i = _mm512_dpbusds_epi32(c##i, a, b); __asm__ volatile("" : "+v"(c##i));
#define SUM_I(i) sum = _mm512_add_epi32(sum, c##i);
    TWELVE(DECLARE_I)
    double start = now();
    for (long r = 0; r < rounds; r++)
    {
        TWELVE(DOT)
    }
    const double int8 = rounds * 12.0 * 64 / (now() - start);
    __m512i sum = _mm512_setzero_si512();
    TWELVE(SUM_I)

    const __m512 x = _mm512_set1_ps(0.5f), y = _mm512_set1_ps(0.25f);
#define DECLARE_F(i) __m512 f##i = _mm512_setzero_ps();
#define FMA(i) f##i = _mm512_fmadd_ps(f##i, x, y); __asm__ volatile("" : "+v"(f##i));
#define SUM_F(i) total = _mm512_add_ps(total, f##i);
    TWELVE(DECLARE_F)
    start = now();
    for (long r = 0; r < rounds; r++)
    {
        TWELVE(FMA)
    }
    const double fp32 = rounds * 12.0 * 16 / (now() - start);
    __m512 total = _mm512_setzero_ps();
    TWELVE(SUM_F)

    sink = (float)_mm512_reduce_add_epi32(sum) + _mm512_reduce_add_ps(total);
    printf("int8 %.1f GMAC/s, fp32 %.1f GMAC/s\n", int8 / 1e9, fp32 / 1e9);
    return 0;
}
