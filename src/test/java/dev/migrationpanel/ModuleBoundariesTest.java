package dev.migrationpanel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;

/**
 * The panel's packages as Spring Modulith sees them (one module per package under the root): no cycles, and a
 * module uses only what another exposes. The job engine, the workers and the registry know no product, and no
 * product package depends on another.
 */
class ModuleBoundariesTest {

    static final ApplicationModules MODULES = ApplicationModules.of(MigrationPanelApplication.class);

    @Test
    void modulesHaveNoCyclesAndUseOnlyEachOthersPublicFace() {
        MODULES.verify();
    }

    @Test
    void theEngineWorkersAndRegistryKnowNoProduct() {
        for (String generic : new String[] {"job", "remote", "database", "instance", "artifact", "security", "web",
                "product", "settings"}) {
            ApplicationModule module = MODULES.getModuleByName(generic).orElseThrow();
            for (String product : new String[] {"dreamfactory", "cairncms", "fief"}) {
                MODULES.getModuleByName(product).ifPresent(p -> assertThat(module.getBootstrapDependencies(MODULES)
                        .map(ApplicationModule::getName).toList()).as(generic + " depends on " + product)
                        .doesNotContain(product));
                assertThat(module.getDirectDependencies(MODULES).stream().map(d -> d.getTargetModule().getName()).toList())
                        .as(generic + " uses " + product).doesNotContain(product);
            }
        }
    }
}
