package rnnkit.train;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Parameter;

/**
 * Updates parameters from their gradients. The update rules follow PyTorch's {@code torch.optim} exactly, so
 * that the same hyper-parameters mean the same thing; weight decay is the classic L2 penalty, added to the
 * gradient ({@code g ← g + λθ}) before the rule.
 */
public abstract class Optimizer {

    protected final List<Parameter> params;
    protected double lr;
    protected double weightDecay;
    protected int steps;

    protected Optimizer(List<Parameter> params, double lr) {
        if (lr <= 0) {
            throw new IllegalArgumentException("the learning rate must be positive, got " + lr);
        }
        this.params = List.copyOf(params);
        this.lr = lr;
    }

    /** L2 weight decay λ: the gradient gets λθ added before each update. */
    public Optimizer weightDecay(double lambda) {
        this.weightDecay = lambda;
        return this;
    }

    public double learningRate() {
        return lr;
    }

    public void learningRate(double lr) {
        this.lr = lr;
    }

    /** One update of every parameter from its gradient. */
    public final void step() {
        steps++;
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            DMatrixRMaj g = p.grad;
            if (weightDecay != 0) {
                for (int i = 0; i < g.getNumElements(); i++) {
                    g.data[i] += weightDecay * p.value.data[i];
                }
            }
            update(k, p.value.data, g.data, p.size());
        }
    }

    /** Sets every gradient to zero, before the next backward pass accumulates into them. */
    public void zeroGrad() {
        params.forEach(Parameter::zeroGrad);
    }

    /** The rule for parameter k: θ (n values) from g. */
    protected abstract void update(int k, double[] theta, double[] g, int n);

    /** One zeroed state array per parameter. */
    protected List<double[]> state() {
        List<double[]> s = new ArrayList<>();
        for (Parameter p : params) {
            s.add(new double[p.size()]);
        }
        return s;
    }

    /** Plain SGD {@code θ ← θ - lr g}, with momentum (heavy ball) or Nesterov momentum. */
    public static final class Sgd extends Optimizer {
        private final double momentum;
        private final boolean nesterov;
        private final List<double[]> velocity;

        public Sgd(List<Parameter> params, double lr) {
            this(params, lr, 0, false);
        }

        /** With momentum μ: v ← μ v + g (v = g at the first step), θ ← θ - lr v; Nesterov: θ ← θ - lr (g + μ v). */
        public Sgd(List<Parameter> params, double lr, double momentum, boolean nesterov) {
            super(params, lr);
            this.momentum = momentum;
            this.nesterov = nesterov;
            this.velocity = momentum == 0 ? null : state();
        }

        @Override
        protected void update(int k, double[] theta, double[] g, int n) {
            double[] v = velocity == null ? null : velocity.get(k);
            for (int i = 0; i < n; i++) {
                double d = g[i];
                if (v != null) {
                    v[i] = steps == 1 ? d : momentum * v[i] + d;
                    d = nesterov ? d + momentum * v[i] : v[i];
                }
                theta[i] -= lr * d;
            }
        }
    }

    /** Adagrad (Duchi et al., 2011): {@code s ← s + g², θ ← θ - lr g / (sqrt(s) + ε)}, ε = 1e-10. */
    public static final class Adagrad extends Optimizer {
        private final List<double[]> sum;

        public Adagrad(List<Parameter> params, double lr) {
            super(params, lr);
            sum = state();
        }

        @Override
        protected void update(int k, double[] theta, double[] g, int n) {
            double[] s = sum.get(k);
            for (int i = 0; i < n; i++) {
                s[i] += g[i] * g[i];
                theta[i] -= lr * g[i] / (Math.sqrt(s[i]) + 1e-10);
            }
        }
    }

    /** RMSprop (Tieleman &amp; Hinton, 2012): {@code v ← α v + (1 - α) g², θ ← θ - lr g / (sqrt(v) + ε)}. */
    public static final class RmsProp extends Optimizer {
        private final double alpha;
        private final double eps;
        private final List<double[]> square;

        public RmsProp(List<Parameter> params, double lr) {
            this(params, lr, 0.99, 1e-8);
        }

        public RmsProp(List<Parameter> params, double lr, double alpha, double eps) {
            super(params, lr);
            this.alpha = alpha;
            this.eps = eps;
            square = state();
        }

        @Override
        protected void update(int k, double[] theta, double[] g, int n) {
            double[] v = square.get(k);
            for (int i = 0; i < n; i++) {
                v[i] = alpha * v[i] + (1 - alpha) * g[i] * g[i];
                theta[i] -= lr * g[i] / (Math.sqrt(v[i]) + eps);
            }
        }
    }

    /**
     * Adam (Kingma &amp; Ba, 2015): moving averages of g and g², bias-corrected:
     * {@code m ← β1 m + (1-β1) g, v ← β2 v + (1-β2) g², θ ← θ - lr m̂ / (sqrt(v̂) + ε)}.
     */
    public static final class Adam extends Optimizer {
        private final double beta1;
        private final double beta2;
        private final double eps;
        private final List<double[]> m;
        private final List<double[]> v;

        public Adam(List<Parameter> params, double lr) {
            this(params, lr, 0.9, 0.999, 1e-8);
        }

        public Adam(List<Parameter> params, double lr, double beta1, double beta2, double eps) {
            super(params, lr);
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
            m = state();
            v = state();
        }

        @Override
        protected void update(int k, double[] theta, double[] g, int n) {
            double[] mk = m.get(k);
            double[] vk = v.get(k);
            double correction1 = 1 - Math.pow(beta1, steps);
            double sqrtCorrection2 = Math.sqrt(1 - Math.pow(beta2, steps));
            double stepSize = lr / correction1;
            for (int i = 0; i < n; i++) {
                mk[i] = beta1 * mk[i] + (1 - beta1) * g[i];
                vk[i] = beta2 * vk[i] + (1 - beta2) * g[i] * g[i];
                theta[i] -= stepSize * mk[i] / (Math.sqrt(vk[i]) / sqrtCorrection2 + eps); // PyTorch's arrangement
            }
        }
    }
}
