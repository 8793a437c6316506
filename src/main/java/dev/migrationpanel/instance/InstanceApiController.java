package dev.migrationpanel.instance;

import java.net.URI;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import dev.migrationpanel.web.NotFoundException;

/** The instance registry over REST, with the same validation and roles as the pages. */
@RestController
@RequestMapping("/api/v1/instances")
@Tag(name = "Instances", description = "Registered instances, their host keys and pre-flight checks")
class InstanceApiController {

    private final InstanceService instances;
    private final InstanceCheckService checks;

    InstanceApiController(InstanceService instances, InstanceCheckService checks) {
        this.instances = instances;
        this.checks = checks;
    }

    @GetMapping
    @Operation(summary = "List instances with their last check")
    List<InstanceView> list() {
        return instances.list().stream().map(i -> view(i.getId())).toList();
    }

    @GetMapping("/{id}")
    InstanceView get(@PathVariable long id) {
        return view(id);
    }

    @PostMapping
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Register an instance", description = "Secrets are write-only; responses only say whether each is set")
    ResponseEntity<InstanceView> create(@RequestBody InstanceForm form) {
        Instance created = instances.create(form);
        return ResponseEntity.created(URI.create("/api/v1/instances/" + created.getId())).body(view(created.getId()));
    }

    @PutMapping("/{id}")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Change an instance", description = "Empty secret fields keep the stored secrets")
    InstanceView update(@PathVariable long id, @RequestBody InstanceForm form) {
        instances.update(id, form);
        return view(id);
    }

    @DeleteMapping("/{id}")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<Void> delete(@PathVariable long id) {
        instances.delete(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/check")
    @PreAuthorize("hasRole('OPERATOR')")
    @Operation(summary = "Run the pre-flight check now over SSH and JDBC and store its report")
    InstanceView.CheckView check(@PathVariable long id) {
        return InstanceView.CheckView.of(checks.check(id));
    }

    @GetMapping("/{id}/check")
    @Operation(summary = "The last stored check report")
    InstanceView.CheckView lastCheck(@PathVariable long id) {
        instances.get(id);
        return instances.lastCheck(id).map(InstanceView.CheckView::of)
                .orElseThrow(() -> new NotFoundException("Instance " + id + " has not been checked yet"));
    }

    @PostMapping("/{id}/host-key/accept")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Pin the host key the server presented at the last contact",
            description = "The fingerprint must be the one shown in hostKeyAwaitingAcceptance")
    InstanceView acceptHostKey(@PathVariable long id, @RequestBody HostKeyAcceptance body) {
        instances.acceptHostKey(id, body == null ? null : body.fingerprint());
        return view(id);
    }

    record HostKeyAcceptance(String fingerprint) {
    }

    private InstanceView view(long id) {
        return InstanceView.of(instances.get(id), instances.lastCheck(id).orElse(null));
    }
}
