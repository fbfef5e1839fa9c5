package dev.graft.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.graft.eval.Logits;
import dev.graft.eval.Metrics;
import dev.graft.io.TensorData;
import dev.graft.nn.Autocast;
import dev.graft.nn.Engine;
import dev.graft.nn.Module;
import dev.graft.nn.Rng;
import dev.graft.train.loss.Loss;
import dev.graft.train.optim.Optimizer;
import dev.graft.train.schedule.LrSchedule;
import dev.graft.train.schedule.ReduceLROnPlateau;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The training loop of the seeds' {@code train_model}, data-agnostic: each epoch a train
 * phase (zero grad, forward, loss, backward, optimizer step, per-step schedule) and a val
 * phase, each reporting loss and accuracy (validation also balanced accuracy and macro-F1);
 * the best weights by the monitored value ({@link Monitor}, validation accuracy by default) are
 * kept and restored at the end; optional early stopping. Divergence stops the run with one
 * sentence naming the step: every step's loss (read back anyway for the progress bar) is checked
 * before its backward pass, and after each epoch the weights and buffers (one engine reduction per
 * tensor) and the validation loss, so no checkpoint or model with NaN or infinity is ever handed
 * on; the best weights so far, if any, are restored. {@link #interrupt()} (from a Ctrl-C hook) ends it after the
 * current step. Epochs are numbered from 1, as the command line prints them ({@code Epoch 1/30},
 * {@code best epoch 24}): in results, listener calls and messages alike. Only the data and the
 * randomness are keyed by the epoch's 0-based index (converted in {@link #index}): each step draws
 * from {@code Rng.mix(seed, index, step)}, the data's {@link TrainData#train} gets the index, as
 * PyTorch's {@code sampler.set_epoch} does. Each step runs in its own array scope, so nothing
 * accumulates across steps.
 */
public final class Fit {
    public enum Status { COMPLETED, EARLY_STOPPED, INTERRUPTED, DIVERGED }

    /**
     * Loss (mean over samples) and accuracy of one phase of one epoch (numbered from 1); for validation also the
     * balanced accuracy (mean recall over classes) and macro-F1 (NaN for training). {@code stopped} is null for a
     * whole phase, else where a Ctrl-C ended it ({@code stopped after 12 of 40 batches}).
     */
    public record PhaseResult(String phase, int epoch, double loss, double accuracy, long samples, double seconds,
                              double balancedAccuracy, double macroF1, String stopped) {
        public PhaseResult(String phase, int epoch, double loss, double accuracy, long samples, double seconds) {
            this(phase, epoch, loss, accuracy, samples, seconds, Double.NaN, Double.NaN, null);
        }

        public PhaseResult(String phase, int epoch, double loss, double accuracy, long samples, double seconds,
                           double balancedAccuracy, double macroF1) {
            this(phase, epoch, loss, accuracy, samples, seconds, balancedAccuracy, macroF1, null);
        }

        /** The seeds' {@code train Loss: 0.1234 Acc: 0.9561}, with {@code (stopped after 12 of 40 batches)} for a part. */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s Loss: %.4f Acc: %.4f", phase, loss, accuracy)
                    + (stopped == null ? "" : " (" + stopped + ")");
        }
    }

    /** One epoch (numbered from 1): train phase, val phase (null without validation data), rates after the schedule step. */
    public record EpochResult(int epoch, PhaseResult train, PhaseResult val, double[] lrs, boolean best) {}

    /** How the run ended, with one sentence for the user, the history and the best epoch (from 1; 0: none). */
    public record Result(Status status, String message, List<EpochResult> history, int bestEpoch,
                         double bestAccuracy, long steps) {}

    private final Module model;
    private final Optimizer optimizer;
    private final Loss loss;
    private LrSchedule schedule;
    private UnaryOperator<NDArray> forward;
    private int epochs = 1, patience = 0, done = 0;
    private long seed = 0, globalStep = 0;
    private boolean restoreBest = true, bfloat16;
    private Monitor monitor = Monitor.VAL_ACC;
    private final List<FitListener> listeners = new ArrayList<>();
    private volatile boolean interrupted;
    private Map<String, TensorData> bestState;
    private double bestAccuracy = Double.NEGATIVE_INFINITY;
    private int bestEpoch = 0, sinceBest = 0;
    private String divergence;

    public Fit(Module model, Optimizer optimizer, Loss loss) {
        this.model = model;
        this.optimizer = optimizer;
        this.loss = loss;
        this.forward = model::forward;
    }

    public Fit schedule(LrSchedule s) { schedule = s; return this; }

    public Fit epochs(int n) { epochs = n; return this; }

    public Fit seed(long s) { seed = s; return this; }

    /** Stop after this many epochs without a better monitored value; 0 never stops early. */
    public Fit patience(int epochs) { patience = epochs; return this; }

    /** What picks the best epoch and drives early stopping (default: validation accuracy). */
    public Fit monitor(Monitor m) { monitor = m; return this; }

    /** Whether to load the best epoch's weights at the end (default true, as the seeds do). */
    public Fit restoreBest(boolean r) { restoreBest = r; return this; }

    /** What maps a batch's inputs to outputs; e.g. the head alone for cached features. */
    public Fit forward(UnaryOperator<NDArray> f) { forward = f; return this; }

    /** Mixed-precision bfloat16 forward and backward passes (see {@link Autocast}); float32 weights. */
    public Fit bfloat16(boolean on) { bfloat16 = on; return this; }

    public Fit listener(FitListener l) { listeners.add(l); return this; }

    /** Ends the run after the current step; safe to call from a shutdown hook. */
    public void interrupt() { interrupted = true; }

    public Module model() { return model; }

    public Optimizer optimizer() { return optimizer; }

    public LrSchedule schedule() { return schedule; }

    public long globalStep() { return globalStep; }

    /** The best epoch so far, numbered from 1 (0 before any). */
    public int bestEpoch() { return bestEpoch; }

    /** The best monitored value so far ({@link Monitor#score}: the accuracy by default). */
    public double bestAccuracy() { return bestAccuracy; }

    /**
     * The loop's own counters after an epoch, for checkpoints: the epoch just completed (the
     * number of epochs done), steps taken, the best epoch and monitored value so far (0 and
     * -infinity before any), epochs since. Epochs are numbered from 1.
     */
    public record State(int epoch, long steps, int bestEpoch, double bestAccuracy, int sinceBest) {}

    public State state(int completedEpoch) {
        return new State(completedEpoch, globalStep, bestEpoch, bestAccuracy, sinceBest);
    }

    /** Continues a run from saved counters with the epoch after {@code s.epoch()}; {@code bestWeights} are restored at the end (may be null). */
    public Fit resume(State s, Map<String, TensorData> bestWeights) {
        done = s.epoch();
        globalStep = s.steps();
        bestEpoch = s.bestEpoch();
        bestAccuracy = s.bestAccuracy();
        sinceBest = s.sinceBest();
        bestState = bestWeights;
        return this;
    }

    public Result run(TrainData data) {
        List<EpochResult> history = new ArrayList<>();
        divergence = null;
        for (int epoch = done + 1; epoch <= epochs; epoch++) {
            for (FitListener l : listeners) l.epochStart(epoch, this);
            PhaseResult train = trainEpoch(data, epoch);
            if (divergence == null) checkWeights(epoch);
            if (divergence != null) return finish(Status.DIVERGED, divergence, history);
            if (interrupted) return finish(Status.INTERRUPTED, "Training was interrupted in epoch " + epoch + ".", history);
            PhaseResult val = validate(data, epoch);
            // a Ctrl-C during validation stops there too: the epoch is redone on resume
            if (interrupted) return finish(Status.INTERRUPTED, "Training was interrupted in epoch " + epoch + ".", history);
            if (val != null && !Double.isFinite(val.loss())) {
                divergence = "the validation loss became " + nonFinite(val.loss()) + " after epoch " + epoch
                        + " although the training loss stayed finite (activations overflow)" + advice();
                return finish(Status.DIVERGED, divergence, history);
            }
            if (schedule != null && schedule.unit() == LrSchedule.Unit.EPOCH) {
                if (schedule instanceof ReduceLROnPlateau p) {
                    PhaseResult r = val != null ? val : train;
                    p.step(p.mode() == ReduceLROnPlateau.Mode.MAX ? r.accuracy() : r.loss());
                } else {
                    schedule.step();
                }
            }
            boolean best = false;
            double acc = val != null ? monitor.score(val) : Double.NaN;
            if (val != null && acc > bestAccuracy) {
                best = true;
                bestAccuracy = acc;
                bestEpoch = epoch;
                sinceBest = 0;
                if (restoreBest) bestState = model.stateDict();
            } else if (val != null) {
                sinceBest++;
            }
            EpochResult r = new EpochResult(epoch, train, val, lrs(), best);
            history.add(r);
            for (FitListener l : listeners) l.epochEnd(r, this);
            if (interrupted) return finish(Status.INTERRUPTED, "Training was interrupted after epoch " + epoch + ".", history);
            if (patience > 0 && sinceBest >= patience) {
                return finish(Status.EARLY_STOPPED, "Stopped early after epoch " + epoch + ": " + monitor.description()
                        + " has not improved for " + patience + " epochs.", history);
            }
        }
        return finish(Status.COMPLETED, "Training finished.", history);
    }

    private Result finish(Status status, String message, List<EpochResult> history) {
        if (restoreBest && bestState != null && status != Status.INTERRUPTED) {
            model.loadStateDict(bestState, true);
            if (status == Status.DIVERGED) message += " The best model so far (epoch " + bestEpoch + ") is kept.";
        }
        double bestAcc = monitor == Monitor.VAL_ACC ? bestAccuracy : history.stream().filter(e -> e.epoch() == bestEpoch)
                .mapToDouble(e -> e.val().accuracy()).findFirst().orElse(Double.NaN);
        return new Result(status, message, history, bestEpoch, bestAcc, globalStep);
    }

    private double[] lrs() {
        return optimizer.groups().stream().mapToDouble(g -> g.lr()).toArray();
    }

    /** True when the run stopped on a NaN or infinity and no finite weights were restored: nothing to save. */
    public static boolean nothingToSave(Result r) {
        return r.status() == Status.DIVERGED && r.bestEpoch() == 0;
    }

    private void checkWeights(int epoch) {
        List<String> bad = model.nonFiniteTensors();
        if (!bad.isEmpty()) {
            divergence = "the weights became NaN or infinite during epoch " + epoch + " (" + bad.size()
                    + " tensors, e.g. " + bad.get(0) + ") although every training loss was finite" + advice();
        }
    }

    /**
     * What to try after a divergence, worded by strategy: one rate for every group (scratch, head)
     * is "the rate"; finetune and partial train the backbone slower, so the head's rate (the last
     * group's) is named with the backbone's.
     */
    private String advice() {
        List<dev.graft.train.optim.ParamGroup> groups = optimizer.groups();
        double head = groups.get(groups.size() - 1).lr(), backbone = groups.get(0).lr();
        boolean oneRate = groups.stream().allMatch(g -> g.lr() == head);
        return "; try a lower --lr (" + (oneRate ? String.format(Locale.ROOT, "the rate is %.3g now", head)
                : String.format(Locale.ROOT, "the head's rate is %.3g now, the backbone's %.3g", head, backbone))
                + ") or check the inputs.";
    }

    private static String nonFinite(double v) { return Double.isNaN(v) ? "NaN" : "infinite"; }

    /**
     * The 0-based index that keys an epoch's data and randomness ({@link TrainData#train},
     * {@code Rng.mix}): the one place the epoch's number (from 1) is converted.
     */
    private static int index(int epoch) { return epoch - 1; }

    /** Runs the train phase; a non-finite loss sets {@link #divergence} and ends it at once. */
    private PhaseResult trainEpoch(TrainData data, int epoch) {
        long t0 = System.nanoTime();
        model.train();
        double lossSum = 0;
        long correct = 0, seen = 0;
        int step = 0;
        for (Batch b : data.train(index(epoch))) {
            Rng.manualSeed(Rng.mix(seed, index(epoch), step));
            StepOutput out = trainStep(b);
            if (!Double.isFinite(out.loss)) {
                divergence = "the training loss became " + nonFinite(out.loss) + " at epoch " + epoch + ", batch "
                        + (step + 1) + (data.trainBatches() > 0 ? " of " + data.trainBatches() : "")
                        + " (step " + (globalStep + 1) + ")" + advice();
                return new PhaseResult("train", epoch, out.loss, 0, seen, 0);
            }
            lossSum += out.loss * b.n();
            correct += out.correct;
            seen += b.n();
            step++;
            globalStep++;
            for (FitListener l : listeners) l.batchEnd("train", epoch, step, data.trainBatches(), out.loss);
            if (interrupted) break;
        }
        int total = data.trainBatches();
        String stopped = !interrupted || step == total ? null
                : "stopped after " + step + (total > 0 ? " of " + total : "") + (total <= 0 && step == 1 ? " batch" : " batches");
        PhaseResult r = new PhaseResult("train", epoch, lossSum / Math.max(seen, 1), (double) correct / Math.max(seen, 1),
                seen, (System.nanoTime() - t0) / 1e9, Double.NaN, Double.NaN, stopped);
        for (FitListener l : listeners) l.phaseEnd(r);
        return r;
    }

    /** The mean loss of a step and how many predictions were right. */
    public record StepOutput(double loss, int correct) {}

    /**
     * One optimizer step on one batch: zero the gradients, forward, loss, backward, update,
     * and the per-step schedule. A non-finite loss is returned without updating anything.
     */
    public StepOutput trainStep(Batch b) {
        try (NDManager scope = Engine.newScope()) {
            NDArray x = Engine.array(scope, b.x(), b.shape());
            optimizer.zeroGrad();
            double value;
            int correct;
            try (var gc = Engine.gradients();
                 Autocast autocast = Autocast.bfloat16(bfloat16)) {
                NDArray out = forward.apply(x);
                NDArray l = loss.compute(out, b.labels());
                value = l.getFloat();
                if (!Double.isFinite(value)) return new StepOutput(value, 0); // before anything reads the scores
                correct = correct(out, b.labels());
                gc.backward(l);
            }
            optimizer.step();
            if (schedule != null && schedule.unit() == LrSchedule.Unit.STEP) schedule.step();
            return new StepOutput(value, correct);
        }
    }

    private PhaseResult validate(TrainData data, int epoch) {
        long t0 = System.nanoTime();
        model.eval();
        double lossSum = 0;
        long correct = 0, seen = 0;
        int i = 0;
        int[][] confusion = null;
        for (Batch b : data.val()) {
            try (NDManager scope = Engine.newScope(); Autocast autocast = Autocast.bfloat16(bfloat16)) {
                NDArray out = forward.apply(Engine.array(scope, b.x(), b.shape()));
                double v = loss.compute(out, b.labels()).getFloat();
                if (!Double.isFinite(v)) {
                    model.train();
                    return new PhaseResult("val", epoch, v, 0, seen + b.n(), (System.nanoTime() - t0) / 1e9);
                }
                lossSum += v * b.n();
                Logits logits = new Logits(out.toFloatArray(), (int) out.getShape().get(1));
                correct += logits.correct(b.labels());
                if (confusion == null) confusion = new int[logits.numClasses()][logits.numClasses()];
                int[] predicted = logits.argmax();
                for (int k = 0; k < predicted.length; k++) confusion[b.labels()[k]][predicted[k]]++;
                seen += b.n();
            }
            i++;
            for (FitListener l : listeners) l.batchEnd("val", epoch, i, data.valBatches(), lossSum / seen);
            if (interrupted) break;
        }
        model.train();
        if (seen == 0 || interrupted) return null; // a part of the validation set is not the epoch's validation
        Metrics m = Metrics.ofConfusion(confusion);
        PhaseResult r = new PhaseResult("val", epoch, lossSum / seen, (double) correct / seen, seen,
                (System.nanoTime() - t0) / 1e9, m.balancedAccuracy(), m.macroF1());
        for (FitListener l : listeners) l.phaseEnd(r);
        return r;
    }

    static int correct(NDArray outputs, int[] labels) {
        return new Logits(outputs.toFloatArray(), (int) outputs.getShape().get(1)).correct(labels);
    }
}
