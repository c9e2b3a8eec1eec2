package rnnkit.vision;

import java.awt.image.BufferedImage;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import rnnkit.core.Gemm;
import rnnkit.core.Init;
import rnnkit.core.Rng;

/**
 * A fixed image encoder: one convolutional layer with random filters, then pooling over the 2&times;2 grid.
 * <pre>
 *   r = relu(conv(image, K filters of k&times;k&times;3) + b)         (valid convolution, stride 1)
 *   v = [max of r over each grid cell, mean of r over each grid cell]  (2 &middot; 4 &middot; K numbers)
 * </pre>
 * then standardized with the means and standard deviations of the images it was {@link #fit} on. The captioning
 * lecture takes v from a CNN trained on ImageNet (VGG's last hidden layer); none can be downloaded here, and random
 * convolutional features with pooling are known to be surprisingly good (Jarrett et al., 2009; Saxe et al., 2011):
 * on {@link Scenes} a linear classifier reads the kind and colour in each grid cell from them almost perfectly. The
 * encoder is never trained: the captioning model learns only how to use v.
 */
public final class RandomConvEncoder {

    private final int filters;
    private final int k;
    private final DMatrixRMaj W;       // (k k 3) x K: one filter per column
    private final DMatrixRMaj b;       // 1 x K
    private double[] mean;
    private double[] std;

    /** K random filters of k&times;k pixels, N(0, 1/(3k&sup2;)) weights and N(0, 0.1&sup2;) biases, from the Rng. */
    public RandomConvEncoder(int filters, int k, Rng rng) {
        this.filters = filters;
        this.k = k;
        this.W = Init.gaussian(new DMatrixRMaj(3 * k * k, filters), 1 / Math.sqrt(3.0 * k * k), rng);
        this.b = Init.gaussian(new DMatrixRMaj(1, filters), 0.1, rng);
    }

    /** The length of a feature vector: max and mean of each filter over each of the 4 grid cells. */
    public int featureSize() {
        return 8 * filters;
    }

    /** Learns the standardization from these images (the training set); returns this encoder. */
    public RandomConvEncoder fit(List<BufferedImage> images) {
        DMatrixRMaj raw = raw(images);
        int N = raw.numRows;
        int F = raw.numCols;
        mean = new double[F];
        std = new double[F];
        for (int j = 0; j < F; j++) {
            double s = 0;
            double ss = 0;
            for (int n = 0; n < N; n++) {
                double x = raw.get(n, j);
                s += x;
                ss += x * x;
            }
            mean[j] = s / N;
            std[j] = Math.sqrt(Math.max(ss / N - mean[j] * mean[j], 0)) + 1e-6;   // + 1e-6: a filter that never fires
        }
        return this;
    }

    /** The standardized features, one row per image (N&times;F). Needs {@link #fit} first. */
    public DMatrixRMaj encode(List<BufferedImage> images) {
        if (mean == null) {
            throw new IllegalStateException("fit the encoder on the training images first: encoder.fit(trainImages)");
        }
        DMatrixRMaj v = raw(images);
        for (int n = 0; n < v.numRows; n++) {
            for (int j = 0; j < v.numCols; j++) {
                v.set(n, j, (v.get(n, j) - mean[j]) / std[j]);
            }
        }
        return v;
    }

    /** The pooled features before standardization. */
    private DMatrixRMaj raw(List<BufferedImage> images) {
        int S = Scenes.SIZE;
        int out = S - k + 1;                          // valid convolution
        int half = out / 2;                           // grid cells of the response map: [0, half) and [half, out)
        DMatrixRMaj patches = new DMatrixRMaj(out * out, 3 * k * k);
        DMatrixRMaj response = new DMatrixRMaj(out * out, filters);
        DMatrixRMaj v = new DMatrixRMaj(images.size(), featureSize());
        double[] rgb = new double[S * S * 3];
        for (int n = 0; n < images.size(); n++) {
            BufferedImage img = images.get(n);
            if (img.getWidth() != S || img.getHeight() != S) {
                throw new IllegalArgumentException("image " + n + " is " + img.getWidth() + "x" + img.getHeight() + ", not " + S + "x" + S);
            }
            for (int y = 0; y < S; y++) {
                for (int x = 0; x < S; x++) {
                    int p = img.getRGB(x, y);
                    int at = (y * S + x) * 3;
                    rgb[at] = ((p >> 16) & 255) / 255.0;
                    rgb[at + 1] = ((p >> 8) & 255) / 255.0;
                    rgb[at + 2] = (p & 255) / 255.0;
                }
            }
            // im2col: one row per output pixel, holding its k x k x 3 patch, so that the convolution is one product
            for (int y = 0; y < out; y++) {
                for (int x = 0; x < out; x++) {
                    int row = (y * out + x) * 3 * k * k;
                    for (int dy = 0; dy < k; dy++) {
                        System.arraycopy(rgb, ((y + dy) * S + x) * 3, patches.data, row + dy * 3 * k, 3 * k);
                    }
                }
            }
            Gemm.mult(patches, W, response);          // conv as patches W
            for (int y = 0; y < out; y++) {
                for (int x = 0; x < out; x++) {
                    int cell = (y < half ? 0 : 2) + (x < half ? 0 : 1);
                    double cellSize = (y < half ? half : out - half) * (x < half ? half : out - half);
                    for (int f = 0; f < filters; f++) {
                        double r = Math.max(0, response.data[(y * out + x) * filters + f] + b.data[f]);   // relu
                        int max = (cell * filters + f) * 2;   // per cell and filter: max, then mean
                        v.data[n * v.numCols + max] = Math.max(v.data[n * v.numCols + max], r);
                        v.data[n * v.numCols + max + 1] += r / cellSize;
                    }
                }
            }
        }
        return v;
    }
}
