package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// sizedTheme is Fyne's theme with the text (and the icons beside it)
// scaled by the learner's text size.
type sizedTheme struct {
	base  fyne.Theme
	scale float32
}

func newSizedTheme(scale float64) fyne.Theme {
	if scale <= 0 {
		scale = 1
	}
	return sizedTheme{base: theme.DefaultTheme(), scale: float32(scale)}
}

func (t sizedTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.base.Color(n, v)
}

func (t sizedTheme) Font(s fyne.TextStyle) fyne.Resource { return t.base.Font(s) }

func (t sizedTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

func (t sizedTheme) Size(n fyne.ThemeSizeName) float32 {
	s := t.base.Size(n)
	switch n {
	case theme.SizeNameText, theme.SizeNameCaptionText, theme.SizeNameHeadingText,
		theme.SizeNameSubHeadingText, theme.SizeNameInlineIcon:
		return s * t.scale
	}
	return s
}
