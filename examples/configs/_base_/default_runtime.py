default_scope = 'toydet'
