package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * The content move's API token in the wizard's form: kept for the chosen target before the pair is checked (the
 * check asks the target's API with it), the options naming its artifact and the form holding the secret no more.
 */
class CairnWizardOptionsTest {

    private final CairnContentMoveFlow move = mock(CairnContentMoveFlow.class);
    private final CairnPairFlow moveFlow = mock(CairnPairFlow.class);
    private final CairnPairFlow cloneFlow = mock(CairnPairFlow.class);
    private final CairnWizardOptions forms = new CairnWizardOptions(mock(CairnCloneFlow.class), move);

    private MultiValueMap<String, String> params(String token) {
        MultiValueMap<String, String> params = new LinkedMultiValueMap<>();
        params.add("target", "7");
        params.put("collections", List.of("authors", "categories"));
        params.add("conflict", "skip");
        params.add("apiCredentials", "");
        if (token != null) {
            params.add(CairnWizardOptions.API_TOKEN, token);
        }
        return params;
    }

    @Test
    void aTypedTokenIsKeptForTheTargetBeforeThePairIsChecked() {
        when(moveFlow.id()).thenReturn(CairnContentMoveFlow.ID);
        when(move.storeApiToken(7L, "panel-token-0123456789")).thenReturn("0b6e1f6a-token-artifact");
        CairnWizardOptions.Form read = forms.read(null, moveFlow, params("panel-token-0123456789"));
        assertThat(read.options()).containsEntry("apiCredentials", "");
        CairnWizardOptions.Form kept = forms.keepToken(moveFlow, read);
        assertThat(kept.options()).containsEntry("apiCredentials", "0b6e1f6a-token-artifact")
                .containsEntry("collections", "authors,categories").containsEntry("conflict", "skip")
                .doesNotContainValue("panel-token-0123456789");
        assertThat(kept.adminPassword()).as("the secret held no more").isNull();
        // kept again for the review: nothing more stored, the artifact stays the option
        assertThat(forms.keep(null, moveFlow, kept)).containsEntry("apiCredentials", "0b6e1f6a-token-artifact");
        verify(move).storeApiToken(7L, "panel-token-0123456789");
    }

    @Test
    void withoutATokenOrForAnotherFlowTheFormIsAsItWas() {
        when(moveFlow.id()).thenReturn(CairnContentMoveFlow.ID);
        when(cloneFlow.id()).thenReturn(CairnCloneFlow.ID);
        CairnWizardOptions.Form none = forms.read(null, moveFlow, params(null));
        assertThat(forms.keepToken(moveFlow, none)).isSameAs(none);
        CairnWizardOptions.Form other = new CairnWizardOptions.Form(java.util.Map.of("target", "7"), java.util.Map.of(), "secret");
        assertThat(forms.keepToken(cloneFlow, other)).isSameAs(other);
        verify(move, never()).storeApiToken(anyLong(), anyString());
    }
}
