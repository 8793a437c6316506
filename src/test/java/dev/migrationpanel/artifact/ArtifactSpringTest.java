package dev.migrationpanel.artifact;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;

/** One shared context for the artifact tests, with an artifact directory of its own. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(properties = "panel.artifacts.dir=${java.io.tmpdir}/artifact-tests/${random.uuid}")
@AutoConfigureMockMvc
@interface ArtifactSpringTest {
}
