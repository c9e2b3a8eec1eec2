package rnnkit.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Trainable;
import rnnkit.core.Parameter;
import rnnkit.ui.ProgressBar;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * A small training loop: epochs of batches, a progress bar, a validation loss after each epoch, the history as
 * tables, and callbacks (such as {@link EarlyStopping}). What one step does (forward, backward, clip, update) is
 * the caller's, so that every notebook can show it.
 */
public final class Trainer {

    /** Hooks into the loop. */
    public interface Callback {
        /** After every batch. */
        default void onStep(int epoch, int step, double loss) {
        }

        /** After every epoch; return false to stop training. */
        default boolean onEpoch(int epoch, double trainLoss, double validationLoss) {
            return true;
        }
    }

    /** What training produced: the loss of every step, and the mean train and validation loss of every epoch. */
    public record History(Table steps, Table epochs) {
    }

    private final int epochs;
    private final List<Callback> callbacks = new ArrayList<>();
    private String label = "training";

    private Trainer(int epochs) {
        this.epochs = epochs;
    }

    public static Trainer epochs(int epochs) {
        return new Trainer(epochs);
    }

    public Trainer callback(Callback c) {
        callbacks.add(c);
        return this;
    }

    /** The progress bar's label. */
    public Trainer label(String label) {
        this.label = label;
        return this;
    }

    /**
     * Trains: each epoch gets its batches from {@code batches} (shuffled anew, if the supplier does so), runs
     * {@code step} on each (which returns the batch loss), then computes {@code validation} (may be null).
     */
    public <B> History fit(Supplier<List<B>> batches, ToDoubleFunction<B> step, DoubleSupplier validation) {
        IntColumn stepIndex = IntColumn.create("step");
        DoubleColumn stepLoss = DoubleColumn.create("loss");
        IntColumn epochIndex = IntColumn.create("epoch");
        DoubleColumn trainLoss = DoubleColumn.create("train loss");
        DoubleColumn validationLoss = DoubleColumn.create("validation loss");
        int global = 0;
        List<B> data = batches.get();
        // One bar for the whole run (epochs x batches of the first epoch), not one per epoch.
        try (ProgressBar bar = ProgressBar.start(label, (long) epochs * data.size()).unit("batch")) {
            for (int epoch = 1; epoch <= epochs; epoch++) {
                if (epoch > 1) {
                    data = batches.get();
                }
                double sum = 0;
                bar.show("epoch", epoch + "/" + epochs);
                for (B batch : data) {
                    double loss = step.applyAsDouble(batch);
                    sum += loss;
                    stepIndex.append(++global);
                    stepLoss.append(loss);
                    bar.step().show("loss", loss);
                    for (Callback c : callbacks) {
                        c.onStep(epoch, global, loss);
                    }
                }
                double mean = sum / Math.max(1, data.size());
                double val = validation == null ? Double.NaN : validation.getAsDouble();
                epochIndex.append(epoch);
                trainLoss.append(mean);
                validationLoss.append(val);
                if (validation != null) {
                    bar.show("validation", val);
                }
                boolean go = true;
                for (Callback c : callbacks) {
                    go &= c.onEpoch(epoch, mean, val);
                }
                if (!go) {
                    bar.show("stopped", "after epoch " + epoch);   // the bar stays short of 100%: say why
                    break;
                }
            }
        }
        return new History(Table.create("steps", stepIndex, stepLoss),
                Table.create("loss per epoch", epochIndex, trainLoss, validationLoss));
    }

    /**
     * Stops when the validation loss has not improved for {@code patience} epochs, and puts back the parameters
     * of the best epoch.
     */
    public static final class EarlyStopping implements Callback {
        private final Trainable model;
        private final int patience;
        private double best = Double.POSITIVE_INFINITY;
        private int bestEpoch;
        private List<DMatrixRMaj> bestValues;

        public EarlyStopping(Trainable model, int patience) {
            this.model = model;
            this.patience = patience;
        }

        @Override
        public boolean onEpoch(int epoch, double trainLoss, double validationLoss) {
            if (validationLoss < best) {
                best = validationLoss;
                bestEpoch = epoch;
                bestValues = new ArrayList<>();
                model.parameters().forEach(p -> bestValues.add(p.value.copy()));
                return true;
            }
            if (epoch - bestEpoch >= patience) {
                restore();
                return false;
            }
            return true;
        }

        /** Puts back the best parameters seen so far. */
        public void restore() {
            if (bestValues != null) {
                List<Parameter> params = model.parameters();
                for (int i = 0; i < params.size(); i++) {
                    params.get(i).value.setTo(bestValues.get(i));
                }
            }
        }

        public int bestEpoch() {
            return bestEpoch;
        }

        public double bestLoss() {
            return best;
        }
    }
}
