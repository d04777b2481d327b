package io.nbo.rules.sandbox;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.drools.compiler.kie.builder.impl.InternalKieModule;
import org.drools.model.codegen.ExecutableModelProject;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;

/** Compiles DRL with Drools' executable model, without any syntax check, and hands back the generated classes unloaded. */
final class ExecutableModelBuild {

    private static final AtomicLong BUILDS = new AtomicLong();

    private ExecutableModelBuild() {
    }

    /**
     * @param drlFiles file name (e.g. "cart.drl") to DRL text, compiled as files of the {@code rules} folder
     * @return every generated class: internal name to bytes
     */
    static Map<String, byte[]> classes(Map<String, String> drlFiles) {
        KieServices ks = KieServices.get();
        KieFileSystem kfs = ks.newKieFileSystem();
        ReleaseId releaseId = ks.newReleaseId("io.nbo.test", "exec-model", "1.0." + BUILDS.incrementAndGet());
        kfs.generateAndWritePomXML(releaseId);
        drlFiles.forEach((name, text) -> kfs.write("src/main/resources/rules/" + name, text));
        try {
            KieBuilder builder = ks.newKieBuilder(kfs).buildAll(ExecutableModelProject.class);
            var errors = builder.getResults().getMessages(Message.Level.ERROR);
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException("the DRL does not compile: " + errors);
            }
            InternalKieModule module = (InternalKieModule) builder.getKieModule();
            Map<String, byte[]> classes = new TreeMap<>();
            for (String file : module.getFileNames()) {
                if (file.endsWith(".class")) {
                    classes.put(file.substring(0, file.length() - ".class".length()), ComparisonRewrite.rewrite(module.getBytes(file)));
                }
            }
            return classes;
        } finally {
            ks.getRepository().removeKieModule(releaseId);
        }
    }
}
