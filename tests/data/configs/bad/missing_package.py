_base_ = "fakepkg_not_installed_xyz::configs/x.py"
