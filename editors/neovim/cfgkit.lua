-- cfgkit lsp for Neovim's built-in client (Neovim 0.7 and later).
--
-- Put this file on your runtimepath as lua/cfgkit.lua (or anywhere on package.path) and add
--
--   require("cfgkit").setup({})
--
-- to init.lua. Every Python file under a folder named `configs` (OpenMMLab's layout) gets the
-- server; pass `all_python = true` to attach it to every Python buffer. Options:
--   cmd          the command that starts the server (default {"cfgkit", "lsp"})
--   init_options sent as initializationOptions: {trusted = true} runs configs as Python (a
--                trusted workspace); {path = {"/src/mmdet"}} adds folders where packages are found
--   all_python   attach to every Python buffer, not only those under a configs folder
local M = {}

local clients = {}

local function root_of(name)
  -- The folder that holds `configs`, else the current directory.
  local folder = name:match("^(.*)/configs/")
  return folder or vim.fn.getcwd()
end

function M.setup(opts)
  opts = opts or {}
  vim.api.nvim_create_autocmd("FileType", {
    pattern = "python",
    callback = function(args)
      local name = vim.api.nvim_buf_get_name(args.buf)
      if not opts.all_python and not name:match("/configs/") then
        return
      end
      local root = root_of(name)
      local config = {
        name = "cfgkit",
        cmd = opts.cmd or { "cfgkit", "lsp" },
        root_dir = root,
        init_options = opts.init_options or {},
      }
      if vim.lsp.start then -- Neovim 0.8+: one client per root, reused
        vim.lsp.start(config, { bufnr = args.buf })
        return
      end
      if not clients[root] then
        clients[root] = vim.lsp.start_client(config)
      end
      vim.lsp.buf_attach_client(args.buf, clients[root])
    end,
  })
end

return M
