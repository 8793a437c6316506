package dev.migrationpanel.cairncms;

import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceForm;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.SshAuthMethod;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.lab.Lab;

/** The lab's CairnCMS installs registered as CairnCMS instances, as an admin would, host key pinned. */
final class CairnLabInstances {

    private CairnLabInstances() {
    }

    /**
     * @param withCommands whether the instance gets the lab's CLI wrapper and start/stop scripts as its settings
     *                     (else the product's defaults apply)
     */
    static Instance register(InstanceService instances, JdbcTemplate jdbc, Lab lab, Lab.CairnInstance cairn,
            boolean withCommands) {
        InstanceForm form = new InstanceForm();
        form.setProduct(CairnCmsProfile.ID);
        form.setName(cairn.name() + "-" + System.nanoTime());
        form.setSshHost(lab.sshHost());
        form.setSshPort(lab.sshPort());
        form.setSshUser(cairn.owner());
        form.setSshAuth(SshAuthMethod.PRIVATE_KEY);
        form.setSshPrivateKey(lab.privateKeyText(cairn.owner(), "ed25519"));
        form.setSshPassphrase(lab.passphrase(cairn.owner(), "ed25519"));
        form.setInstallPath(cairn.path().toString());
        form.setAppUrl(cairn.appUrl());
        if (withCommands) {
            form.setProductSettings(Map.of(CairnCmsProfile.CLI, cairn.cliWrapper().toString(),
                    CairnCmsProfile.START, cairn.startCommand(), CairnCmsProfile.STOP, cairn.stopCommand()));
        }
        Instance instance = instances.create(form);
        TestInstances.pinLabHostKey(jdbc, instance.getId(), lab);
        return instances.get(instance.getId());
    }

    /**
     * A lab CairnCMS in a Docker container ({@code cd-pgsql}, {@code cdt-pgsql}) registered as an admin would: Docker,
     * the container {@code container} names (another name for a container that does not exist), the CLI as the image
     * runs it, the lab's start and stop commands.
     */
    static Instance registerDocker(InstanceService instances, JdbcTemplate jdbc, Lab lab, String name, String container) {
        java.util.function.Function<String, String> setting = key -> lab.property("cairn." + name + "." + key);
        InstanceForm form = new InstanceForm();
        form.setProduct(CairnCmsProfile.ID);
        form.setName(name + "-" + System.nanoTime());
        form.setSshHost(lab.sshHost());
        form.setSshPort(lab.sshPort());
        form.setSshUser(setting.apply("owner"));
        form.setSshAuth(SshAuthMethod.PRIVATE_KEY);
        form.setSshPrivateKey(lab.privateKeyText(setting.apply("owner"), "ed25519"));
        form.setSshPassphrase(lab.passphrase(setting.apply("owner"), "ed25519"));
        form.setDeploymentType(DeploymentType.DOCKER);
        form.setContainerName(container);
        form.setInstallPath(setting.apply("path"));
        form.setAppUrl(setting.apply("app.url"));
        form.setProductSettings(Map.of(CairnCmsProfile.CLI, setting.apply("cli"), CairnCmsProfile.START,
                setting.apply("start"), CairnCmsProfile.STOP, setting.apply("stop")));
        Instance instance = instances.create(form);
        TestInstances.pinLabHostKey(jdbc, instance.getId(), lab);
        return instances.get(instance.getId());
    }

    static Instance registerDocker(InstanceService instances, JdbcTemplate jdbc, Lab lab, String name) {
        return registerDocker(instances, jdbc, lab, name, lab.property("cairn." + name + ".container"));
    }
}
