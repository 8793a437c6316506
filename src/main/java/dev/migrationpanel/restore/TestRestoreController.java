package dev.migrationpanel.restore;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

import dev.migrationpanel.web.NotFoundException;

/** One test-restore's outcome with its per-table counts. */
@Controller
class TestRestoreController {

    private final TestRestores restores;

    TestRestoreController(TestRestores restores) {
        this.restores = restores;
    }

    @GetMapping("/backups/test-restores/{id}")
    String show(@PathVariable String id, Model model) {
        if (!id.matches("\\d{1,18}")) {
            throw new NotFoundException("No test-restore " + id + ": its id is a number");
        }
        TestRestore restore = restores.get(Long.parseLong(id));
        model.addAttribute("restore", restore);
        model.addAttribute("tables", restores.tables(restore));
        return "restore/test-restore";
    }
}
