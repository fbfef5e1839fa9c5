package dev.graft.train.lrfind;

import java.util.Arrays;

/**
 * The result of a learning-rate sweep and its robust suggestion. {@code lrs[i]} is the
 * reference group's rate at step {@code i} (the group with the largest rate; other groups
 * keep their ratio to it), {@code losses[i]} the raw loss of that step (NaN/infinite allowed:
 * the sweep ends there). The suggestion works on a centred smoothing in log-rate order
 * (median of 5, then mean of 5), so a single spike or NaN cannot move it. Its "valley" is
 * read from loss levels rather than slopes (slopes are what makes fastai's suggestions
 * noisy): from the last rate where the smoothed loss is still within 10% of the drop from
 * its highest point before the minimum, to the first rate where 90% of that drop is done;
 * the suggestion is the point of that stretch where the smoothed loss falls fastest (per
 * step of the log-spaced sweep). On a tiny data set the loss also falls slowly at tiny rates,
 * because the sweep itself trains the head; a midpoint of the stretch lands there (measured:
 * 1e-4 where the steep fall is at 1e-3), the steepest point does not. Guards: the drop must be at least {@link #MIN_DROP} of the loss, else
 * there is no suggestion (a flat or rising curve says nothing about the rate); the suggestion
 * is never above a third of the rate at the minimum (the minimum is already too fast).
 */
public record LrCurve(double[] lrs, double[] losses, String stopReason) {
    /** The smallest relative loss drop that counts as a valley. */
    public static final double MIN_DROP = 0.05;

    /** Loss after smoothing, NaN where undefined; same length as {@link #lrs}. */
    public double[] smoothed() {
        int n = usable();
        double[] med = new double[n], out = new double[n];
        for (int i = 0; i < n; i++) med[i] = windowMedian(i, n);
        for (int i = 0; i < n; i++) {
            double s = 0;
            int k = 0;
            for (int j = Math.max(0, i - 2); j <= Math.min(n - 1, i + 2); j++) {
                if (Double.isFinite(med[j])) {
                    s += med[j];
                    k++;
                }
            }
            out[i] = k == 0 ? Double.NaN : s / k;
        }
        double[] full = new double[lrs.length];
        Arrays.fill(full, Double.NaN);
        System.arraycopy(out, 0, full, 0, n);
        return full;
    }

    /** Steps before the first non-finite loss. */
    public int usable() {
        int n = 0;
        while (n < losses.length && Double.isFinite(losses[n])) n++;
        return n;
    }

    private double windowMedian(int i, int n) {
        double[] w = new double[5];
        int k = 0;
        for (int j = Math.max(0, i - 2); j <= Math.min(n - 1, i + 2); j++) w[k++] = losses[j];
        double[] v = Arrays.copyOf(w, k);
        Arrays.sort(v);
        return k % 2 == 1 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
    }

    /** The index of the suggested rate, or -1 when the curve shows no valley. */
    public int suggestionIndex() {
        double[] s = smoothed();
        int n = usable();
        if (n < 5) return -1;
        int m = 0;
        for (int i = 1; i < n; i++) if (s[i] < s[m]) m = i;
        double top = s[0];
        for (int i = 1; i <= m; i++) top = Math.max(top, s[i]);
        double drop = top - s[m];
        if (drop < MIN_DROP * Math.abs(top)) return -1;
        // the valley: from the last point still above 10% of the drop to the first within 10% of the minimum
        int a = 0;
        for (int i = 0; i <= m; i++) if (s[i] >= top - 0.1 * drop) a = i;
        int b = m;
        for (int i = a; i <= m; i++) {
            if (s[i] <= s[m] + 0.1 * drop) {
                b = i;
                break;
            }
        }
        // the steepest fall inside the valley (central difference over 2 steps each side of the smoothed curve)
        int idx = a;
        double steepest = Double.POSITIVE_INFINITY;
        for (int i = a; i <= b; i++) {
            int lo = Math.max(0, i - 2), hi = Math.min(n - 1, i + 2);
            double slope = (s[hi] - s[lo]) / (hi - lo);
            if (slope < steepest) {
                steepest = slope;
                idx = i;
            }
        }
        // guard: at least a factor 3 below the rate of the minimum (the minimum is already too fast)
        while (idx > 0 && lrs[idx] > lrs[m] / 3) idx--;
        return idx;
    }

    /** The suggested reference rate, or NaN when the curve shows no valley. */
    public double suggestion() {
        int i = suggestionIndex();
        return i < 0 ? Double.NaN : lrs[i];
    }

    /** The reference rate where the smoothed loss is lowest, NaN if there are fewer than 5 finite steps. */
    public double minimumLr() {
        double[] s = smoothed();
        int n = usable();
        if (n < 5) return Double.NaN;
        int argmin = 0;
        for (int i = 1; i < n; i++) if (s[i] < s[argmin]) argmin = i;
        return lrs[argmin];
    }
}
