package dev.migrationpanel.artifact;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.tags.Tag;

import dev.migrationpanel.web.NotFoundException;

/** Artifacts through the API: metadata, lists per job, streamed downloads, deletion by admins. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Artifacts", description = "Backups, dumps and reports: metadata, SHA-256, streamed downloads, deletion")
class ArtifactApiController {

    private final ArtifactStore store;

    ArtifactApiController(ArtifactStore store) {
        this.store = store;
    }

    @GetMapping("/artifacts/{id}")
    ArtifactView get(@PathVariable String id) {
        return ArtifactView.of(store.find(id).orElseThrow(() -> new NotFoundException(ArtifactStore.NOT_FOUND)));
    }

    @GetMapping("/jobs/{jobId}/artifacts")
    List<ArtifactView> forJob(@PathVariable String jobId) {
        return store.forJob(ArtifactResponses.jobId(jobId)).stream().map(ArtifactView::of).toList();
    }

    @GetMapping("/artifacts/{id}/download")
    void download(@PathVariable String id, Authentication who, HttpServletResponse response) throws IOException {
        try (ArtifactStore.Download download = store.download(id, null, who)) {
            ArtifactResponses.send(download, response);
        }
    }

    @DeleteMapping("/artifacts/{id}")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<Void> delete(@PathVariable String id, @RequestParam(required = false) String reason) {
        store.delete(id, reason == null || reason.isBlank() ? "deleted through the API" : reason);
        return ResponseEntity.noContent().build();
    }
}
