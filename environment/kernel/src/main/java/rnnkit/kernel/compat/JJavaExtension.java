package rnnkit.kernel.compat;

import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;

/**
 * JJava loads this from its class path ({@code JJAVA_CLASSPATH}, after the kit's library is on it) and it runs the
 * kit's start-up script in the notebook's shell. JJava's own start-up scripts would run too early: before the class
 * path is added. The kit's own kernel does not load extensions.
 */
public final class JJavaExtension implements Extension {

    @Override
    public void install(BaseKernel kernel) {
        kernel.eval(StartupScript.forKernel("jjava"));
    }
}
