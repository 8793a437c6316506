package dev.migrationpanel.artifact;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Downloads and deletion from a job's page. */
@Controller
class ArtifactPageController {

    private final ArtifactStore store;

    ArtifactPageController(ArtifactStore store) {
        this.store = store;
    }

    @GetMapping("/jobs/{jobId}/artifacts/{id}")
    void download(@PathVariable String jobId, @PathVariable String id, Authentication who,
            HttpServletResponse response) throws IOException {
        try (ArtifactStore.Download download = store.download(id, ArtifactResponses.jobId(jobId), who)) {
            ArtifactResponses.send(download, response);
        }
    }

    @PostMapping("/jobs/{jobId}/artifacts/{id}/delete")
    @PreAuthorize("hasRole('ADMIN')")
    String delete(@PathVariable String jobId, @PathVariable String id,
            @RequestParam(required = false) String reason, RedirectAttributes redirect) {
        long job = ArtifactResponses.jobId(jobId);
        String name = store.require(id).getName();
        store.delete(job, id, reason == null || reason.isBlank() ? "deleted from the job page" : reason);
        redirect.addFlashAttribute("flashOk", "Deleted the artifact " + name + ".");
        return "redirect:/jobs/" + job;
    }
}
