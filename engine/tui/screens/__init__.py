"""The app's screens. None imports another (an import contract says so), except `dialogs`, the
shared modal building blocks; a screen asks the app for anything through engine/tui/messages.py."""
