;;; cfgkit.el --- cfgkit lsp for Emacs's built-in eglot  -*- lexical-binding: t; -*-
;; Add to init.el, then M-x eglot in a config buffer (or enable `eglot-ensure' below).
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               ;; :initializationOptions (:trusted t) runs configs as Python (trusted workspaces)
               '((python-mode python-ts-mode) . ("cfgkit" "lsp" :initializationOptions (:trusted :json-false)))))
;; (add-hook 'python-mode-hook #'eglot-ensure)
;;; cfgkit.el ends here
