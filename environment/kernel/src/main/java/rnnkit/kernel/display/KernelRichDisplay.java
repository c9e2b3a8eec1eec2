package rnnkit.kernel.display;

import java.util.Map;
import java.util.UUID;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import rnnkit.ui.RichDisplay;

/** Gives the companion library (progress bars, plots) a way into the notebook without depending on the kernel. */
public final class KernelRichDisplay implements RichDisplay {

    private final BaseKernel kernel;

    public KernelRichDisplay(BaseKernel kernel) {
        this.kernel = kernel;
    }

    @Override
    public String show(Map<String, String> mimeBundle) {
        DisplayData data = data(mimeBundle);
        String id = UUID.randomUUID().toString();
        data.setDisplayId(id);
        kernel.display(data);
        return id;
    }

    @Override
    public void replace(String displayId, Map<String, String> mimeBundle) {
        kernel.getIO().display.updateDisplay(displayId, data(mimeBundle));
    }

    @Override
    public boolean active() {
        return kernel.getIO().display.isAttached();
    }

    private static DisplayData data(Map<String, String> bundle) {
        DisplayData data = new DisplayData();
        bundle.forEach(data::putData);
        return data;
    }
}
