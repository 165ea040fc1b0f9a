default_scope = "toydet"
