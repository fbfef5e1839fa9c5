import dev.graft.nn.Engine;
import dev.graft.train.BnPolicy;
import dev.graft.train.Learner;
import dev.graft.train.Strategy;
import dev.graft.train.loss.CrossEntropyLoss;
import dev.graft.train.optim.AdamW;
import dev.graft.train.optim.Optimizer;
import dev.graft.train.optim.SGD;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;

/**
 * Milliseconds per training step of ResNet-18 (5 classes, fine-tuning groups, BatchNorm in
 * eval mode, one thread), split into zero_grad, forward, backward and optimizer step; the
 * PyTorch twin is step_prof.py. Usage (after mvn compile, from the repository root):
 * java -Dai.djl.offline=true -cp "graft-core/target/classes:CLASSPATH" bench/StepProf.java BATCH ITERS [SIZE] [sgd|adamw]
 */
public class StepProf {
    public static void main(String[] a) throws Exception {
        Engine.setThreads(1);
        int b = Integer.parseInt(a[0]), n = Integer.parseInt(a[1]);
        int size = a.length > 2 ? Integer.parseInt(a[2]) : 32;
        String kind = a.length > 3 ? a[3] : "sgd";
        Learner l = Learner.create("resnet18", 5, 0);
        var model = l.model();
        var groups = Strategy.FINETUNE.paramGroups(model, l.spec(), 0.01, 0.1);
        Optimizer opt = kind.equals("adamw") ? new AdamW(groups, 0.01) : new SGD(groups, 0.01, 0.9, 5e-4);
        Strategy.FINETUNE.apply(model, l.spec(), null, BnPolicy.EVAL);
        model.train();
        var loss = new CrossEntropyLoss(null, 0);
        Random r = new Random(0);
        float[] x = new float[b * 3 * size * size];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        int[] y = new int[b];
        long tz = 0, tf = 0, tb = 0, ts = 0;
        for (int it = 0; it < n + 5; it++) {
            try (NDManager scope = Engine.newScope()) {
                long t0 = System.nanoTime();
                NDArray xa = Engine.array(scope, x, new long[] {b, 3, size, size});
                opt.zeroGrad();
                long t1 = System.nanoTime();
                long t2;
                try (var gc = Engine.gradients()) {
                    NDArray lv = loss.compute(model.forward(xa), y);
                    lv.getFloat();
                    t2 = System.nanoTime();
                    gc.backward(lv);
                }
                long t3 = System.nanoTime();
                opt.step();
                long t4 = System.nanoTime();
                if (it >= 5) { tz += t1 - t0; tf += t2 - t1; tb += t3 - t2; ts += t4 - t3; }
            }
        }
        System.out.printf("graft %s batch %d size %d: zero %.1f fwd %.1f bwd %.1f step %.1f ms%n", kind, b, size,
                tz / 1e6 / n, tf / 1e6 / n, tb / 1e6 / n, ts / 1e6 / n);
    }
}
