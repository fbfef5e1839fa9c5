import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fp32 arithmetic peak of this machine, measured: each thread runs 12 independent chains
 * of fused multiply-adds on the widest float vectors the CPU has (AVX-512: 16 lanes), which is
 * what the FMA units can retire at most. Prints GFLOP/s (one FMA = 2 FLOP) for THREADS threads.
 * Run: java --add-modules jdk.incubator.vector bench/FmaPeak.java [THREADS]
 */
public class FmaPeak {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    static float chains(long iterations) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f), c = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0,
                a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c);
            a4 = a4.fma(m, c); a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c);
            a8 = a8.fma(m, c); a9 = a9.fma(m, c); a10 = a10.fma(m, c); a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    public static void main(String[] args) throws InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < 3; i++) chains(20_000_000); // compile and warm up
        long iterations = 200_000_000L;
        double best = 0;
        for (int rep = 0; rep < 3; rep++) {
            List<Thread> ts = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> chains(iterations));
                th.start();
                ts.add(th);
            }
            for (Thread th : ts) th.join();
            double seconds = (System.nanoTime() - start) / 1e9;
            best = Math.max(best, threads * iterations * 12.0 * S.length() * 2 / seconds / 1e9);
        }
        System.out.printf("{\"threads\": %d, \"lanes\": %d, \"fp32_peak_gflop_per_second\": %.1f}%n", threads,
                S.length(), best);
    }
}
