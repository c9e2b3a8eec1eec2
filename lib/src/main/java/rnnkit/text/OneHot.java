package rnnkit.text;

import org.ejml.data.DMatrixRMaj;

/** One-hot codes: row i has a single 1, in column ids[i]. Multiplying by a matrix selects that matrix's row. */
public final class OneHot {

    private OneHot() {
    }

    public static DMatrixRMaj encode(int[] ids, int vocabularySize) {
        DMatrixRMaj x = new DMatrixRMaj(ids.length, vocabularySize);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabularySize) {
                throw new IllegalArgumentException("id " + ids[i] + " at position " + i + " is outside 0.." + (vocabularySize - 1));
            }
            x.set(i, ids[i], 1);
        }
        return x;
    }
}
